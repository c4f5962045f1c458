import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from './duration.ts';

test('parses humantime durations', () => {
  assert.equal(parseDuration('1d'), 86_400_000);
  assert.equal(parseDuration('2h30m'), 9_000_000);
  assert.equal(parseDuration('1w 2d'), 9 * 86_400_000);
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('2 hours'), 7_200_000);
  assert.equal(parseDuration('500ms'), 500);
});

test('rejects what is not a positive duration, so a reason is never taken for one', () => {
  for (const text of ['', 'griefing', '10', '1x', '0s', '2h extra', 'h2']) assert.equal(parseDuration(text), undefined, text);
});

test('formats the two largest units, rounding seconds up', () => {
  assert.equal(formatDuration(93_784_000), '1d 2h');
  assert.equal(formatDuration(9_000_000), '2h 30m');
  assert.equal(formatDuration(1_500), '2s');
  assert.equal(formatDuration(0), '1s');
  assert.equal(formatDuration(86_401_000), '1d');
  assert.equal(formatDuration(3_661_000), '1h 1m');
});
