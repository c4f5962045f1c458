import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isInfrarustError } from '../errors.ts';
import { ConfigError, embeddedDefaultConfig, loadProxyConfig as loadKernelOnly, parseProxyConfig as parseKernelOnly, proxyConfigSchema, type ProxyConfig, type ProxyConfigInput } from './index.ts';
import { builtinSections, type BuiltinSections } from '../../test/helpers/builtin-sections.ts';
import { resolveSettings } from '../../builtin-plugins/ban/options.ts';

// infrarust.toml as the proxy validates it: kernel keys plus the builtin plugins' sections.
const BUILTIN = builtinSections();
const loadProxyConfig = (file: string) => loadKernelOnly(file, BUILTIN);
const parseProxyConfig = (text: string, file: string) => parseKernelOnly(text, file, BUILTIN);
const plugin = (config: ProxyConfig) => config.sections as unknown as BuiltinSections;
const banFile = (config: ProxyConfig, file: string) => resolveSettings(plugin(config).ban, dirname(file), () => '/nonexistent').file;

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const FILE = '/etc/infrarust/infrarust.toml';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the config to be rejected');
}

describe('global config: the full v2 example', () => {
  it('loads unchanged, with durations in ms, addresses parsed and paths resolved', async () => {
    const { config, warnings } = await loadProxyConfig(join(FIXTURES, 'infrarust.toml'));
    assert.deepEqual(config.bind, { host: '0.0.0.0', port: 25577 });
    assert.equal(config.connect_timeout, 3_000);
    assert.equal(config.connect_max_attempts, 2);
    assert.equal(config.servers_dir, join(FIXTURES, 'servers'));
    assert.equal(config.plugins_dir, join(FIXTURES, 'plugins'));
    assert.equal(banFile(config, join(FIXTURES, 'infrarust.toml')), join(FIXTURES, 'data/bans.json'));
    assert.equal(config.forwarding.secret_file, '/etc/infrarust/forwarding.secret');
    assert.equal(config.forwarding.mode, 'velocity', '"modern" is an alias of velocity');
    assert.equal(config.forwarding.channel_permissions?.connect_other, false, 'subchannel names are aliases');
    assert.deepEqual(plugin(config).rate_limit, { enabled: true, max_connections: 5, window: 10_000, status_max: 30, status_window: 60_000 });
    assert.equal(config.status_cache.ttl, 2_500);
    assert.deepEqual(config.keepalive, { time: 60_000, interval: 15_000, retries: 5 });
    assert.equal(plugin(config).ban.check_timeout, 2_000);
    assert.equal(plugin(config).docker?.network, 'minecraft');
    assert.deepEqual(plugin(config).ip_filter.blacklist[1], { address: '203.0.113.7', prefix: 32, family: 'ipv4' });
    assert.equal(plugin(config).ip_filter.whitelist[2]?.family, 'ipv6');
    assert.equal(config.unknown_domain_behavior, 'drop');
    assert.equal(plugin(config).telemetry.protocol, 'http');
    assert.equal(plugin(config).telemetry.traces.sampling_ratio, 0.25);
    assert.equal(plugin(config).auth.offline_uuid, 'client');
    assert.deepEqual(plugin(config).web?.bind, { host: '127.0.0.1', port: 8080 });
    assert.equal(plugin(config).web?.enable_webui, false);
    assert.equal(plugin(config).web?.rate_limit.requests_per_minute, 120);
    assert.equal(config.plugin_messaging.bungeecord_permissions.message, true);
    assert.equal(config.active_health.kind, 'status_ping');
    assert.equal(config.events.disconnect_deadline, 15_000);
    assert.equal(config.wasm.recovery.window, 300_000);
    assert.equal(config.wasm.quotas.permission_nodes, 256, 'unset quota keeps its default');
    assert.equal(config.default_motd.unreachable?.version_protocol, -1);
    assert.match(config.default_motd.online!.favicon!, /^data:image\/png;base64,iVBORw0KGgo/);
    assert.deepEqual(Object.keys(config.plugins).sort(), ['auth', 'my_plugin', 'server_wake']);
    assert.equal(config.plugins.server_wake?.enabled, false);
    assert.equal(config.plugins.auth?.strict_capabilities, false);
    const mine = config.plugins.my_plugin!;
    assert.equal(mine.greeting, 'Welcome!', "a plugin's own keys pass through untouched");
    assert.equal(mine.max_waiting, 20);
    assert.equal(mine.wasm?.memory_limit_mb, 128);
    assert.equal(mine.wasm?.mounts[0]?.read_only, true);
    assert.ok(warnings.some((w) => /forwarding\.bungeecord_channel: is ignored/.test(w)), warnings.join('\n'));
  });

  it('is frozen', async () => {
    const { config } = await loadProxyConfig(join(FIXTURES, 'infrarust.toml'));
    assert.ok(Object.isFrozen(config) && Object.isFrozen(plugin(config).rate_limit) && Object.isFrozen(plugin(config).ip_filter.whitelist));
    assert.throws(() => {
      (plugin(config).rate_limit as { window: number }).window = 1;
    }, TypeError);
  });
});

describe('global config: defaults', () => {
  it('an empty file gets every v2 default', () => {
    const { config, warnings } = parseProxyConfig('', FILE);
    assert.deepEqual(config.bind, { host: '0.0.0.0', port: 25565 });
    assert.equal(config.max_connections, 0);
    assert.equal(config.connect_timeout, 5_000);
    assert.equal(config.servers_dir, '/etc/infrarust/servers');
    assert.equal(config.plugins_dir, '/etc/infrarust/plugins');
    assert.equal(banFile(config, FILE), '/etc/infrarust/bans.json');
    assert.equal(config.forwarding.secret_file, '/etc/infrarust/forwarding.secret');
    assert.deepEqual(plugin(config).rate_limit, { enabled: true, max_connections: 20, window: 10_000, status_max: 300, status_window: 10_000 });
    assert.deepEqual(config.status_cache, { ttl: 5_000, max_entries: 1_000 });
    assert.deepEqual(config.keepalive, { time: 30_000, interval: 10_000, retries: 3 });
    assert.deepEqual(plugin(config).ban, { provider: 'builtin', file: 'bans.json', purge_interval: 300_000, enable_audit_log: true, check_timeout: 5_000 });
    assert.equal(config.unknown_domain_behavior, 'default_motd');
    assert.equal(config.announce_proxy_commands, true);
    assert.equal(config.forwarding.mode, 'none');
    assert.deepEqual(plugin(config).auth, { session_url: 'https://sessionserver.mojang.com/session/minecraft/hasJoined', timeout: 5_000, prevent_proxy_connections: false, offline_uuid: 'offline' });
    assert.equal(plugin(config).telemetry.enabled, false);
    assert.equal(plugin(config).telemetry.traces.sampling_ratio, 0.1);
    assert.equal(plugin(config).web, undefined, 'no [web] means no admin API');
    assert.equal(plugin(config).docker, undefined, 'no [docker] means no docker provider');
    assert.deepEqual(config.default_motd, {});
    assert.deepEqual(config.plugins, {});
    assert.equal(config.events.handler_timeout, 10_000);
    assert.equal(config.wasm.epoch_tick, 50);
    assert.deepEqual(warnings, []);
  });

  it('ProxyConfigInput is what users write, ProxyConfig what they get', () => {
    const input: ProxyConfigInput & { rate_limit: { window: string } } = { bind: '[::]:25566', rate_limit: { window: '1m' }, plugins: { x: { greeting: 'hi' } } };
    const output = proxyConfigSchema(BUILTIN.global).parse(input) as ProxyConfig & BuiltinSections;
    assert.deepEqual(output.bind, { host: '::', port: 25566 });
    assert.equal(output.rate_limit.window, 60_000);
    assert.equal(output.plugins.x?.enabled, true);
  });

  it('embeddedDefaultConfig resolves ./servers against the working directory', () => {
    const config = embeddedDefaultConfig();
    assert.deepEqual(config.bind, { host: '0.0.0.0', port: 25565 });
    assert.equal(config.servers_dir, join(process.cwd(), 'servers'));
    assert.ok(Object.isFrozen(config));
  });

  it('[web] (admin-api plugin) turns the dashboard off with the API', () => {
    const { config, warnings } = parseProxyConfig('[web]\nenable_api = false\n', FILE);
    assert.equal(plugin(config).web?.enable_webui, false);
    assert.deepEqual(plugin(parseProxyConfig('[web]\n', FILE).config).web?.bind, { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(warnings, []);
  });
});

describe('global config: errors', () => {
  it('lists every problem at once with file, line and key path', () => {
    const text = [
      'servers_dri = "./servers"', // 1
      'bind = "0.0.0.0:99999"', // 2
      'connect_timeout = 5', // 3
      '', // 4
      '[rate_limit]', // 5
      'window = "10 parsecs"', // 6
      '', // 7
      '[telemetry.traces]', // 8
      'sampling_ratio = 1.5', // 9
      '', // 10
      '[forwarding]', // 11
      'mode = "velocty"', // 12
    ].join('\n');
    const err = errorOf(() => parseProxyConfig(text, FILE));
    assert.equal(err.code, 'IR_ERR_CONFIG_INVALID');
    assert.ok(isInfrarustError(err, 'IR_ERR_CONFIG_INVALID'));
    assert.deepEqual(
      err.issues.map((i) => [i.line, i.path]),
      [[1, 'servers_dri'], [2, 'bind'], [3, 'connect_timeout'], [6, 'rate_limit.window'], [9, 'telemetry.traces.sampling_ratio'], [12, 'forwarding.mode']],
    );
    assert.ok(err.issues.every((i) => i.file === FILE));
    assert.match(err.message, /infrarust\.toml has 6 invalid settings/);
    assert.match(err.message, /\/etc\/infrarust\/infrarust\.toml:1: servers_dri: unknown key; did you mean "servers_dir"\?/);
    assert.match(err.message, /:3: connect_timeout: expected a duration like "5s" or "1h30m", got the number 5/);
    assert.match(err.message, /:6: rate_limit\.window: expected a duration like "5s" or "1h30m": unknown unit "parsecs"/);
    assert.match(err.message, /:9: telemetry\.traces\.sampling_ratio: must be between 0\.0 and 1\.0/);
    assert.match(err.message, /:12: forwarding\.mode: expected one of .*; did you mean "velocity"\?/);
  });

  it('suggests keys in nested tables and reports unknown tables at their header', () => {
    const err = errorOf(() => parseProxyConfig('[rate_limit]\nmax_conections = 3\n\n[rate_limits]\nwindow = "1s"\n', FILE));
    assert.deepEqual(err.issues.map((i) => `${i.line}:${i.path}:${i.message}`), [
      '2:rate_limit.max_conections:unknown key; did you mean "max_connections"?',
      '4:rate_limits:unknown key; did you mean "rate_limit"?',
    ]);
  });

  it('checks the web API key (admin-api plugin schema)', () => {
    const short = errorOf(() => parseProxyConfig('[web]\napi_key = "hunter2"\n', FILE));
    assert.match(short.issues[0]!.message, /too short \(7 characters\); use at least 16/);
    const open = errorOf(() => parseProxyConfig('[web]\nbind = "0.0.0.0:8080"\napi_key = "CHANGE-ME"\n', FILE));
    assert.match(open.issues[0]!.message, /is required .* because the admin API binds to the non-loopback address 0\.0\.0\.0/);
    assert.deepEqual([open.issues[0]!.line, open.issues[0]!.path], [3, 'web.api_key']);
    const ui = errorOf(() => parseProxyConfig('[web]\nenable_api = false\nenable_webui = true\n', FILE));
    assert.equal(ui.issues[0]!.path, 'web.enable_webui');
    assert.doesNotThrow(() => parseProxyConfig('[web]\nbind = "0.0.0.0:8080"\napi_key = "a-strong-enough-api-key"\n', FILE));
  });

  it('rejects zero windows only while rate limiting is enabled', () => {
    assert.doesNotThrow(() => parseProxyConfig('[rate_limit]\nwindow = "0s"\n', FILE));
    const err = errorOf(() => parseProxyConfig('[rate_limit]\nenabled = true\nwindow = "0s"\n', FILE));
    assert.deepEqual([err.issues[0]!.line, err.issues[0]!.path], [3, 'rate_limit.window']);
  });

  it('reports a missing required key at its table header, wrong types with the value', () => {
    const err = errorOf(() => parseProxyConfig('[default_motd.online]\nfavicon = "x.png"\n\n[ip_filter]\nwhitelist = ["10.0.0.0/8", "nope"]\nblacklist = "1.2.3.4"\n', FILE));
    assert.deepEqual(err.issues.map((i) => `${i.line}:${i.path}:${i.message}`), [
      '1:default_motd.online.text:missing required key',
      '5:ip_filter.whitelist[1]:"nope" is not an IP address or CIDR range',
      '6:ip_filter.blacklist:expected a list, got "1.2.3.4"',
    ]);
  });

  it('keeps the TOML syntax error position', () => {
    const err = errorOf(() => parseProxyConfig('bind = "0.0.0.0:25565"\nmax_connections = \n', FILE));
    assert.equal(err.code, 'IR_ERR_CONFIG_PARSE');
    assert.equal(err.issues[0]!.line, 2);
    assert.match(err.message, /infrarust\.toml:2: invalid value \(column \d+\)/);
    assert.match(err.message, /2: {2}max_connections = /, 'the code block is included');
  });

  it('a string left open says "unterminated string" with its line, not "control characters"', () => {
    for (const quote of ['"', "'"]) {
      const err = errorOf(() => parseProxyConfig(`bind = "0.0.0.0:25565"\nservers_dir = ${quote}./servers\nplugins_dir = "./plugins"\n`, FILE));
      assert.equal(err.code, 'IR_ERR_CONFIG_PARSE');
      assert.match(err.message, /infrarust\.toml:2: unterminated string: a "…" or '…' string must end on the line where it starts/);
    }
    const control = errorOf(() => parseProxyConfig('servers_dir = "a\u0001b"\n', FILE));
    assert.match(control.message, /control characters are not allowed/, 'a real control character keeps its message');
  });

  it('a missing file is IR_ERR_CONFIG_READ with the errno as cause', async () => {
    await assert.rejects(loadProxyConfig('/nonexistent/infrarust.toml'), (err: unknown) => {
      assert.ok(isInfrarustError(err, 'IR_ERR_CONFIG_READ'));
      assert.equal((err.cause as NodeJS.ErrnoException).code, 'ENOENT');
      assert.match(err.message, /file does not exist/);
      return true;
    });
  });
});

describe('global config: favicons', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'infrarust-config-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('turns a file path into a data URI, keeps data URIs, prefixes raw base64', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAEAAAABACAIAAAAlC+aJAAAAD0lEQVR4nGNgGAWjgDIAAAGAAAGaMQb3AAAAAElFTkSuQmCC', 'base64');
    await writeFile(join(dir, 'icon.png'), png);
    const file = join(dir, 'infrarust.toml');
    const text = `[default_motd.online]\ntext = "a"\nfavicon = "icon.png"\n[default_motd.offline]\ntext = "b"\nfavicon = "data:image/png;base64,AAAA"\n[default_motd.sleeping]\ntext = "c"\nfavicon = "${png.toString('base64')}"\n`;
    await writeFile(file, text);
    const { config } = await loadProxyConfig(file);
    assert.equal(config.default_motd.online?.favicon, `data:image/png;base64,${png.toString('base64')}`);
    assert.equal(config.default_motd.offline?.favicon, 'data:image/png;base64,AAAA');
    assert.equal(config.default_motd.sleeping?.favicon, `data:image/png;base64,${png.toString('base64')}`);
  });

  it('an unreadable or non-PNG favicon is an error naming file, line and key', async () => {
    await writeFile(join(dir, 'not.png'), 'GIF89a');
    const file = join(dir, 'infrarust.toml');
    await writeFile(file, '[default_motd.online]\ntext = "a"\nfavicon = "missing.png"\n\n[default_motd.offline]\ntext = "b"\nfavicon = "not.png"\n');
    await assert.rejects(loadProxyConfig(file), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.issues.map((i) => [i.line, i.path]), [[3, 'default_motd.online.favicon'], [7, 'default_motd.offline.favicon']]);
      assert.match(err.issues[0]!.message, /cannot read favicon file .*missing\.png \(ENOENT\)/);
      assert.match(err.issues[1]!.message, /is not a PNG image/);
      return true;
    });
  });

  it('refuses favicon URLs', () => {
    const err = errorOf(() => parseProxyConfig('[default_motd.online]\ntext = "a"\nfavicon = "https://example.com/x.png"\n', FILE));
    assert.match(err.issues[0]!.message, /URLs are not fetched/);
  });
});
