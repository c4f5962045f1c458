// The admin API's setup on a real proxy: the per-client rate limit answers 429 with Retry-After,
// CORS follows cors_origins, a loopback [web] without a key generates one into a 0600 file whose
// path (never the key) is logged, and a weak key (too short, CHANGE-ME off loopback) refuses to start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startProxy } from '../helpers/proxy-harness.ts';
import { freePort } from '../helpers/free-port.ts';

test('rate limit: 429 with Retry-After past requests_per_minute; CORS only for listed origins', async () => {
  const port = await freePort();
  const proxy = await startProxy({ builtins: ['admin-api'], global: `[web]\nbind = "127.0.0.1:${port}"\napi_key = "rate-limit-key-0123456789"\ncors_origins = ["https://dash.example"]\nrate_limit = { requests_per_minute = 5 }\n` });
  try {
    const h = { authorization: 'Bearer rate-limit-key-0123456789' };
    const allowed = await fetch(`http://127.0.0.1:${port}/api/v1/proxy`, { headers: { ...h, origin: 'https://dash.example' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://dash.example');
    const other = await fetch(`http://127.0.0.1:${port}/api/v1/proxy`, { headers: { ...h, origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) statuses.push((last = await fetch(`http://127.0.0.1:${port}/api/v1/proxy`, { headers: h })).status);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429]);
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    assert.equal(((await last!.json()) as { error: { code: string } }).error.code, 'IR_ERR_API_RATE_LIMITED');
  } finally {
    await proxy.stop();
  }
});

test('no key on loopback: a generated key in a 0600 file, its path logged, never the key', async () => {
  const port = await freePort();
  const proxy = await startProxy({ builtins: ['admin-api'], captureLogs: 'info', global: `[web]\nbind = "127.0.0.1:${port}"\n` });
  try {
    const file = join(proxy.dir, 'plugins', 'admin-api', 'data', 'api-key');
    const key = (await readFile(file, 'utf8')).trim();
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.ok(key.length >= 16);
    assert.ok(proxy.logs.some((l) => l.file === file), 'the path is logged');
    assert.ok(!JSON.stringify(proxy.logs).includes(key), 'the key is not');
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/stats`, { headers: { authorization: `Bearer ${key}` } })).status, 200);
  } finally {
    await proxy.stop();
  }
});

test('an invalid API key in config refuses to start', async () => {
  const port = await freePort();
  for (const web of [`api_key = "short"`, `bind = "0.0.0.0:${port}"\napi_key = "CHANGE-ME"`, `bind = "0.0.0.0:${port}"`]) {
    const err = await startProxy({ builtins: ['admin-api'], global: `[web]\n${web}\n` }).then(
      async (p) => (await p.stop(), assert.fail(`started with ${web}`)),
      (e: unknown) => e as Error & { code?: string },
    );
    assert.equal(err.code, 'IR_ERR_CONFIG_INVALID', String(err));
    assert.match(err.message, /web\.api_key/);
  }
});
