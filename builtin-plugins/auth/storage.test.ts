import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testContext } from 'infrarust/sdk/testing';
import { fakeSession, pluginLoader, type } from './fake-session.ts';
import { AccountFileError, decodeAccounts, encodeAccounts, readAccountsFile } from './storage.ts';

const loadPlugin = pluginLoader(testContext);

const FIXTURE = new URL('./fixtures/v2-accounts.json', import.meta.url);
const tempDir = () => mkdtemp(join(tmpdir(), 'auth-storage-'));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test("v2's accounts.json round-trips byte for byte", async () => {
  const text = await readFile(FIXTURE, 'utf8');
  const accounts = decodeAccounts(text, 'v2-accounts.json');
  assert.equal(accounts.length, 4);
  assert.equal(accounts[3]!.premium_info?.mojang_uuid, '069a79f4-44e9-4726-a5be-fca90e38aaf5');
  assert.equal(encodeAccounts(accounts), text);
});

test('fields this version does not know are kept; missing optional ones get their v2 defaults', () => {
  const [a] = decodeAccounts(JSON.stringify([{ username: 'x', display_name: 'X', password_hash: null, registered_at: '2025-01-01T00:00:00Z', future_field: { a: 1 } }]), 'f');
  assert.deepEqual(a, { username: 'x', display_name: 'X', password_hash: null, registered_at: '2025-01-01T00:00:00Z', future_field: { a: 1 }, last_login: null, last_ip: null, login_count: 0, premium_info: null });
});

test('a corrupt file is an AccountFileError naming the file; the plugin refuses to start', async () => {
  const dir = await tempDir();
  const file = join(dir, 'accounts.json');
  try {
    assert.equal(await readAccountsFile(join(dir, 'none.json')), undefined);
    const cases: [string, RegExp][] = [
      ['[{"username": "a",', /is not valid JSON/],
      ['{"accounts": []}', /does not have the accounts\.json shape \(\(root\): /],
      ['[{"username": "a", "display_name": "A", "password_hash": null, "registered_at": "yesterday"}]', /0\.registered_at: not a date-time/],
      ['[{"username": "a", "display_name": "A", "password_hash": null, "registered_at": "2025-01-01T00:00:00Z"}, {"username": "A", "display_name": "A", "password_hash": null, "registered_at": "2025-01-01T00:00:00Z"}]', /two accounts for "a"/],
      ['', /is not valid JSON/],
    ];
    for (const [text, pattern] of cases) {
      await writeFile(file, text);
      const err = await readAccountsFile(file).then(() => assert.fail('should throw'), (e: unknown) => e);
      assert.ok(err instanceof AccountFileError);
      assert.match(err.message, new RegExp(`^accounts file ${escape(file)} `));
      assert.match(err.message, pattern);
      await assert.rejects(loadPlugin({}, dir), (e: unknown) => e instanceof AccountFileError && e.message.includes(file), 'setup throws, so the critical plugin keeps the proxy down');
    }
    assert.equal(await readFile(file, 'utf8'), '', 'a refused file is left as it was');
    await rm(file);
    await mkdir(file);
    await assert.rejects(readAccountsFile(file), /cannot be read \(EISDIR/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('kill-safe: the file is private (0600); a temp file a killed write left behind is ignored and removed; accounts reload after a restart', async () => {
  const dir = await tempDir();
  try {
    const first = await loadPlugin({}, dir);
    const s = fakeSession('Hana');
    await first.handler.onPlayerEnter(s.session);
    await type(first.handler, s, '/register Blossom-77 Blossom-77');
    await first.close();
    assert.equal((await stat(join(dir, 'accounts.json'))).mode & 0o777, 0o600, 'it holds password hashes');
    // What a SIGKILL between the temp write and the rename leaves: a half-written temp file.
    await writeFile(join(dir, `.accounts.json.${process.pid + 1}.0.tmp`), '[{"username": "mallory", "display_na');

    const second = await loadPlugin({}, dir);
    try {
      assert.deepEqual(await readdir(dir), ['accounts.json']);
      const again = fakeSession('hana');
      await second.handler.onPlayerEnter(again.session);
      assert.match(again.messages[0]!, /Welcome back/);
      await type(second.handler, again, '/login Blossom-77');
      assert.deepEqual(again.completed, [{ type: 'accept' }]);
      const m = fakeSession('mallory');
      await second.handler.onPlayerEnter(m.session);
      assert.match(m.messages[0]!, /Register with/);
    } finally {
      await second.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
