/**
 * Plugin-owned config sections end to end through the composition root: the builtin plugins'
 * schemas validate infrarust.toml and servers/*.toml before anything starts (file:line:key,
 * did-you-mean), a section whose plugin is disabled is reported and ignored, and plugins read
 * their own sections typed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { bootKernel } from '../kernel/kernel.ts';
import { ConfigError, loadServersDir } from '../kernel/config/index.ts';
import { writeFile, mkdir } from 'node:fs/promises';

const BUILTIN = fileURLToPath(new URL('../builtin-plugins', import.meta.url));
const log = pino({ level: 'silent' });

async function boot(text: string) {
  const dir = await mkdtemp(join(tmpdir(), 'infrarust-sections-'));
  const file = join(dir, 'infrarust.toml');
  try {
    const kernel = await bootKernel({ source: { text, file }, overrides: { plugins_dir: join(dir, 'plugins') }, log, builtinDir: BUILTIN });
    return { kernel, dir, file, cleanup: async () => { await kernel.host.shutdown(); await rm(dir, { recursive: true, force: true }); } };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

test('a bad value in a plugin-owned section is a config error with file, line and key, before any plugin runs', async () => {
  const text = 'bind = "127.0.0.1:0"\n\n[rate_limit]\nenabled = true\nwindow = "0s"\n\n[ban]\npurge_interval = "soon"\n\n[ip_filter]\nwhitelist = ["nope"]\n';
  await assert.rejects(boot(text), (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    const got = err.issues.map((i) => `${i.line}:${i.path}`);
    assert.deepEqual(got.sort(), ['11:ip_filter.whitelist[0]', '5:rate_limit.window', '8:ban.purge_interval'].sort());
    return true;
  });
});

test('a misspelt section gets a did-you-mean naming the plugin section', async () => {
  await assert.rejects(boot('[rate_limits]\nenabled = true\n'), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.issues[0]!.message, /did you mean "rate_limit"/);
    return true;
  });
});

test('plugins get their own sections resolved; a disabled plugin\'s section is a warning, not an error', async () => {
  const text = '[rate_limit]\nenabled = true\nmax_connections = 7\nwindow = "1m"\n\n[ip_filter]\nblacklist = ["10.0.0.0/8"]\n\n[plugins.ip-filter]\nenabled = false\n';
  const { kernel, cleanup } = await boot(text);
  try {
    assert.deepEqual(kernel.config.sections.rate_limit, { enabled: true, max_connections: 7, window: 60_000, status_max: 300, status_window: 10_000 });
    assert.equal(kernel.config.sections.ip_filter, undefined, 'a disabled plugin\'s section is not resolved');
    assert.ok(kernel.warnings.some((w) => /infrarust\.toml:6: ip_filter: is ignored: plugin ip-filter is disabled/.test(w)), kernel.warnings.join('\n'));
    await kernel.host.loadAll();
    const states = Object.fromEntries(kernel.host.list().map((p) => [p.id, p.state]));
    assert.equal(states['rate-limit'], 'loaded');
    assert.equal(states['ip-filter'], 'disabled');
  } finally {
    await cleanup();
  }
});

test('server files are validated with the plugins\' server sections', async () => {
  const { kernel, dir, cleanup } = await boot('');
  try {
    const servers = join(dir, 'servers');
    await mkdir(servers);
    await writeFile(join(servers, 'good.toml'), 'domains = ["a.test"]\naddresses = ["127.0.0.1:1"]\n[ip_filter]\nwhitelist = ["192.168.0.0/16"]\n');
    await writeFile(join(servers, 'bad.toml'), 'domains = ["b.test"]\naddresses = ["127.0.0.1:1"]\n[ip_filter]\nwhitelist = ["192.168.0.0/99"]\n');
    const loaded = await loadServersDir(servers, kernel.sections);
    assert.deepEqual(loaded.servers.get('good')?.sections.ip_filter, { whitelist: [{ address: '192.168.0.0', prefix: 16, family: 'ipv4' }], blacklist: [] });
    assert.equal(loaded.servers.has('bad'), false);
    assert.match(loaded.errors[0]!.message, /bad\.toml:4: ip_filter\.whitelist\[0\]: .*invalid prefix length/);
  } finally {
    await cleanup();
  }
});
