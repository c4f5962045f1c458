import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { duration, formatDuration, parseDuration, positiveDuration } from './duration.ts';

describe('parseDuration', () => {
  const valid: Array<[string, number]> = [
    ['5s', 5_000],
    ['300ms', 300],
    ['2m', 120_000],
    ['2min', 120_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['30sec', 30_000],
    ['2 minutes', 120_000],
    ['1hour 2mins 3secs', 3_723_000],
    ['0', 0],
    ['  10s  ', 10_000],
    ['2s 500ms', 2_500],
    ['1M', 30.44 * 86_400_000],
    ['250us', 0.25],
  ];
  for (const [text, ms] of valid) {
    it(`parses ${JSON.stringify(text)}`, () => assert.equal(parseDuration(text), ms));
  }

  const invalid: Array<[string, RegExp]> = [
    ['', /empty/],
    ['5', /no unit/],
    ['1.5h', /no unit|expected a duration/],
    ['10 parsecs', /unknown unit "parsecs"/],
    ['s5', /expected a duration/],
    ['5S', /unknown unit "S"/],
    ['-5s', /expected a duration/],
    ['5s,', /expected a duration/],
    ['99999999999999999999d', /too large/],
  ];
  for (const [text, message] of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => assert.throws(() => parseDuration(text), message));
  }
});

describe('formatDuration', () => {
  it('round-trips common values', () => {
    for (const ms of [0, 250, 5_000, 90_000, 5_400_000, 86_400_000 + 1_000]) {
      assert.equal(parseDuration(formatDuration(ms)), ms);
    }
  });
});

describe('duration() schema', () => {
  const schema = z.object({ t: duration().prefault('5s') });
  it('turns strings into milliseconds and applies the default', () => {
    assert.deepEqual(schema.parse({ t: '1m' }), { t: 60_000 });
    assert.deepEqual(schema.parse({}), { t: 5_000 });
  });
  it('explains a bare TOML integer', () => {
    const issue = schema.safeParse({ t: 5 }).error!.issues[0]!;
    assert.match(issue.message, /expected a duration like "5s" or "1h30m", got the number 5/);
  });
  it('explains a bad string', () => {
    const issue = schema.safeParse({ t: 'soon' }).error!.issues[0]!;
    assert.match(issue.message, /expected a duration like "5s" or "1h30m"/);
  });
  it('positiveDuration refuses zero', () => {
    assert.match(positiveDuration().safeParse('0s').error!.issues[0]!.message, /greater than zero/);
  });
});
