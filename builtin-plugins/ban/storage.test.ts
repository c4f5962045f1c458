import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BanStore } from './store.ts';
import { BanFileError, decodeBanFile, encodeBanFile, readBanFile, renderBanFile } from './storage.ts';

const FIXTURE = new URL('./fixtures/v2-bans.json', import.meta.url);
const tempDir = () => mkdtemp(join(tmpdir(), 'ban-storage-'));

test('a real v2 bans.json round-trips byte for byte through the store', async () => {
  const text = await readFile(FIXTURE, 'utf8');
  const data = decodeBanFile(text, 'v2-bans.json');
  assert.equal(data.bans.length, 4);
  const store = new BanStore(data, { now: () => 1_735_689_950_000 });
  assert.equal(store.check({ ip: '192.168.1.100' })?.reason, 'Spamming');
  assert.equal(store.check({ username: 'griefer' })?.source, 'admin:Notch');
  assert.equal(store.check({ uuid: '069A79F444E94726A5BEFCA90E38AAF5' })?.source, 'plugin:anticheat');
  assert.equal(store.check({ username: 'oldtimer' })?.reason, 'Temporary');
  assert.equal(encodeBanFile(store.snapshot()), text.endsWith('\n') ? text : `${text}\n`);
});

test('the sliced rendering is exactly JSON.stringify(data, null, 2), for any slice size', async () => {
  const fixture = decodeBanFile(await readFile(FIXTURE, 'utf8'), 'v2-bans.json');
  const store = new BanStore(undefined, { now: () => 1_735_689_950_000 });
  for (let i = 0; i < 7; i++) store.add({ type: 'username', value: `p${i}` }, { reason: i % 2 === 0 ? `line\nbreak "quoted" \u2028 ${i}` : undefined, source: 'console' });
  store.remove({ type: 'username', value: 'p3' }, 'console');
  const cases = [fixture, store.snapshot(), { bans: [], audit_log: [] }, { bans: fixture.bans, audit_log: [] }];
  for (const data of cases) {
    const expected = `${JSON.stringify({ bans: data.bans, audit_log: data.audit_log }, null, 2)}\n`;
    for (const slice of [1, 2, 3, 256]) assert.equal([...renderBanFile(data, slice)].join(''), expected, `slice ${slice}`);
    assert.equal(encodeBanFile(data), expected);
  }
});

test('newer v2 files (source objects, ids, ip_range) are accepted', () => {
  const data = decodeBanFile(JSON.stringify({
    bans: [
      { id: 'a1', target: { type: 'ip_range', value: '10.0.0.0/8' }, reason: null, source: { type: 'plugin', value: 'anticheat' }, created_at: 1, expires_at: null },
      { target: { type: 'username', value: 'x' }, source: { type: 'console' }, created_at: 1 },
    ],
  }), 'f');
  assert.deepEqual(data.bans.map((b) => b.source), ['plugin:anticheat', 'console']);
  assert.deepEqual(data.audit_log, []);
});

test('a missing file is an empty store; a corrupt or unreadable one is a clear BanFileError', async () => {
  const dir = await tempDir();
  try {
    assert.equal(await readBanFile(join(dir, 'none.json')), undefined);
    const cases: [string, RegExp][] = [
      ['{"bans": [', /is not valid JSON/],
      ['{"bans": {}}', /does not have the bans\.json shape \(bans: /],
      ['{"bans": [{"target": {"type": "ip", "value": "nope"}, "created_at": 1, "source": "c"}]}', /invalid target at bans\.0: "nope" is not an IP address/],
      ['', /is not valid JSON/],
    ];
    for (const [text, pattern] of cases) {
      const file = join(dir, 'bans.json');
      await writeFile(file, text);
      const err = await readBanFile(file).then(() => assert.fail('should throw'), (e: unknown) => e);
      assert.ok(err instanceof BanFileError);
      assert.match(err.message, new RegExp(`ban file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
      assert.match(err.message, pattern);
      assert.match(err.message, /Bans were not loaded/);
    }
    await mkdir(join(dir, 'adir.json'));
    await assert.rejects(readBanFile(join(dir, 'adir.json')), /cannot be read \(EISDIR/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
