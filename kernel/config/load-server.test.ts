import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, DEFAULT_DISCONNECT_MESSAGE, loadServerFile as loadKernelOnly, parseServerConfig as parseKernelOnly, parseServerConfigDetailed as parseDetailedKernelOnly, type LoadedServer } from './index.ts';
import { builtinSections, type BuiltinSections } from '../../test/helpers/builtin-sections.ts';

// Server files as the proxy validates them: kernel keys plus the builtin plugins' sections.
const BUILTIN = builtinSections();
const loadServerFile = (file: string) => loadKernelOnly(file, BUILTIN);
const parseServerConfig = (text: string, file: string) => parseKernelOnly(text, file, BUILTIN);
const parseServerConfigDetailed = (text: string, file: string) => parseDetailedKernelOnly(text, file, BUILTIN);
const plugin = (server: LoadedServer) => server.sections as unknown as Pick<BuiltinSections, 'ip_filter' | 'server_manager'>;

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'servers');
const FILE = '/srv/infrarust/servers/survival.toml';

function issuesOf(text: string): string[] {
  try {
    parseServerConfig(text, FILE);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.code, 'IR_ERR_CONFIG_INVALID');
    return err.issues.map((i) => `${i.line}:${i.path}:${i.message}`);
  }
  assert.fail('expected the server file to be rejected');
}

describe('server files: the v2 examples', () => {
  it('survival.toml: every per-server key', async () => {
    const s = await loadServerFile(join(FIXTURES, 'survival.toml'));
    assert.equal(s.id, 'survival');
    assert.equal(s.file, join(FIXTURES, 'survival.toml'));
    assert.equal(s.name, 'survival');
    assert.equal(s.network, 'main');
    assert.deepEqual(s.domains, ['survival.mc.example.com', '*.survival.example.com', 's?.example.com']);
    assert.deepEqual(s.addresses, [{ host: '10.0.1.10', port: 25565, weight: 1 }, { host: '10.0.1.11', port: 25565, weight: 1 }]);
    assert.equal(s.proxy_mode, 'client_only');
    assert.equal(s.forwarding_mode, 'velocity');
    assert.deepEqual(s.domain_rewrite, { type: 'none' });
    assert.deepEqual(s.timeouts, { connect: 3_000, read: 30_000, write: 30_000 });
    assert.deepEqual(plugin(s).ip_filter.whitelist, [{ address: '192.168.1.0', prefix: 24, family: 'ipv4' }]);
    assert.equal(s.max_players, 100);
    assert.deepEqual(s.limbo_handlers, ['auth', 'server_wake']);
    assert.equal(s.bungeecord_channel, true);
    assert.match(s.motd.online!.favicon!, /^data:image\/png;base64,iVBORw0KGgo/);
    assert.equal(s.motd.online?.max_players, 100);
    assert.equal(s.motd.unreachable?.version_protocol, -1);
    assert.deepEqual(Object.keys(s.motd).sort(), ['crashed', 'offline', 'online', 'sleeping', 'starting', 'stopping', 'unreachable']);
    assert.deepEqual(plugin(s).server_manager, {
      type: 'pterodactyl', api_url: 'https://panel.example.com', api_key: 'ptlc_xxxxx', server_id: 'abc123',
      shutdown_after: 600_000, start_timeout: 60_000, poll_interval: 5_000,
    });
    assert.ok(Object.isFrozen(s) && Object.isFrozen(s.addresses[0]));
  });

  it('lobby.toml: weighted addresses, IPv6, balance, explicit rewrite, local manager', async () => {
    const s = await loadServerFile(join(FIXTURES, 'lobby.toml'));
    assert.equal(s.id, 'lobby', 'the id defaults to the file name');
    assert.deepEqual(s.addresses, [
      { host: '10.0.0.1', port: 25565, weight: 3 },
      { host: '2001:db8::2', port: 25566, weight: 1 },
      { host: '10.0.0.3', port: 25565, weight: 1 },
    ]);
    assert.equal(s.balance, 'least_connections', 'v2 "least_conn" is read as least_connections');
    assert.equal(s.slow_start, 45_000);
    assert.equal(s.slow_start_aggression, 2);
    assert.equal(s.forwarding_mode, 'bungee_cord', '"legacy" is an alias of bungee_cord');
    assert.deepEqual(s.domain_rewrite, { type: 'explicit', host: 'lobby.internal' });
    assert.equal(s.active_health?.timeout, 2_000);
    assert.equal(s.timeouts, undefined, 'no [timeouts]: the global connect_timeout applies');
    const m = plugin(s).server_manager;
    assert.equal(m?.type, 'local');
    if (m?.type !== 'local') return;
    assert.equal(m.working_dir, 'lobby-data', 'kept as written: the server-manager plugin resolves it against servers_dir');
    assert.deepEqual(m.args, ['-Xmx2G', '-jar', 'server.jar', 'nogui']);
    assert.equal(m.ready_pattern, 'For help, type "help"');
    assert.equal(m.start_timeout, 120_000);
    assert.equal(m.shutdown_after, 900_000);
  });

  it('creative.toml and 1.6.4.toml: crafty, from_backend, defaults', async () => {
    const c = await loadServerFile(join(FIXTURES, 'creative.toml'));
    assert.deepEqual(c.domain_rewrite, { type: 'from_backend' });
    assert.deepEqual(c.addresses, [{ host: 'creative-backend', port: 25570, weight: 1 }]);
    assert.equal(plugin(c).server_manager?.type, 'crafty');
    assert.equal(plugin(c).server_manager?.shutdown_after, 5_400_000);
    assert.equal(plugin(c).server_manager?.start_timeout, 60_000);
    const legacy = await loadServerFile(join(FIXTURES, '1.6.4.toml'));
    assert.equal(legacy.id, '1.6.4');
    assert.equal(legacy.proxy_mode, 'passthrough');
    assert.equal(legacy.balance, 'first_available');
    assert.equal(legacy.send_proxy_protocol, false);
    assert.equal(legacy.disconnect_message, DEFAULT_DISCONNECT_MESSAGE);
    assert.equal(legacy.max_players, 0);
    assert.deepEqual(legacy.motd, {});
    assert.deepEqual(plugin(legacy).ip_filter, { whitelist: [], blacklist: [] });
    assert.equal(plugin(legacy).server_manager, undefined);
  });
});

describe('server files: validation', () => {
  it('reports every problem with line and key path', () => {
    const text = [
      'name = "Survival Server"', // 1
      'domains = ["mc.example.com", "", "mc.example.com:25565"]', // 2
      'addresses = [', // 3
      '  "127.0.0.1:25565",', // 4
      '  "[::1]:70000",', // 5
      '  { address = "10.0.0.1", weigth = 2 },', // 6
      ']', // 7
      'proxy_mode = "pasthrough"', // 8
      'max_player = 10', // 9
      '', // 10
      '[server_manager]', // 11
      'type = "local"', // 12
      'comand = "java"', // 13
    ].join('\n');
    assert.deepEqual(issuesOf(text), [
      '1:name:must be 1-64 characters of a-z, 0-9, "_" or "-"',
      '2:domains[1]:a domain cannot be empty',
      '2:domains[2]:"mc.example.com:25565" looks like an address: a domain has no port',
      '5:addresses[1]:port "70000" must be a number from 1 to 65535',
      '6:addresses[2].weigth:unknown key; did you mean "weight"?',
      '8:proxy_mode:expected one of "passthrough", "zero_copy", "client_only", "offline", "server_only", "full", got "pasthrough"; did you mean "passthrough"?',
      '9:max_player:unknown key; did you mean "max_players"?',
      '11:server_manager.command:missing required key',
      '11:server_manager.working_dir:missing required key',
      '13:server_manager.comand:unknown key; did you mean "command"?',
    ]);
  });

  it('needs at least one address', () => {
    assert.deepEqual(issuesOf('domains = ["a.example.com"]\naddresses = []\n'), ['2:addresses:at least one backend address is required']);
    assert.deepEqual(issuesOf('domains = ["a.example.com"]\n'), ['1:addresses:missing required key']);
  });

  it('bad addresses say why', () => {
    assert.match(issuesOf('domains = ["a"]\naddresses = ["::1:25565"]')[0]!, /IPv6 addresses need brackets/);
    assert.match(issuesOf('domains = ["a"]\naddresses = ["host:port"]')[0]!, /port "port" must be a number/);
    assert.match(issuesOf('domains = ["a"]\naddresses = [25565]')[0]!, /expected "host\[:port\]" or \{ address = "host:port", weight = 1 \}/);
  });

  it('raw-forwarding proxy modes need a domain and cannot join a network (v2 rule)', () => {
    assert.deepEqual(issuesOf('addresses = ["127.0.0.1"]\n'), ['1:domains:proxy_mode "passthrough" needs at least one domain: nothing else can route players to it']);
    assert.deepEqual(issuesOf('domains = ["a.example.com"]\naddresses = ["127.0.0.1"]\nproxy_mode = "zero_copy"\nnetwork = "main"\nbungeecord_channel = true\n'), [
      '4:network:proxy_mode "zero_copy" cannot join a network: server switching needs client_only or offline',
      '5:bungeecord_channel:needs proxy_mode client_only or offline: in "zero_copy" the proxy does not read backend packets',
    ]);
    assert.doesNotThrow(() => parseServerConfig('addresses = ["127.0.0.1"]\nproxy_mode = "client_only"\nnetwork = "main"\nforwarding_mode = "velocity"\n', FILE));
  });

  it('checks name and network identifiers', () => {
    assert.equal(parseServerConfig('addresses = ["a"]\nproxy_mode = "offline"\nname = "lobby-1_eu"\n', FILE).name, 'lobby-1_eu');
    assert.match(issuesOf('addresses = ["a"]\nproxy_mode = "offline"\nnetwork = "Main"\n')[0]!, /^3:network:must be 1-64 characters/);
    assert.match(issuesOf(`addresses = ["a"]\nproxy_mode = "offline"\nname = "${'a'.repeat(65)}"\n`)[0]!, /^3:name:/);
  });

  it('explains bad durations and domain_rewrite values', () => {
    assert.deepEqual(issuesOf('domains = ["a"]\naddresses = ["a"]\nslow_start = "45"\ndomain_rewrite = "backend"\n'), [
      '3:slow_start:expected a duration like "5s" or "1h30m": "45" has no unit (write "45s" for seconds or "45ms" for milliseconds)',
      '4:domain_rewrite:expected "none", "from_backend" or { explicit = "host" }',
    ]);
    assert.deepEqual(issuesOf('domains = ["a"]\naddresses = ["a"]\ndomain_rewrite = { explict = "x" }\n'), [
      '3:domain_rewrite.explicit:missing required key',
      '3:domain_rewrite.explict:unknown key; did you mean "explicit"?',
    ]);
  });

  it('[server_manager] without the server-manager plugin: the file still loads, with a warning', () => {
    const { server, warnings } = parseDetailedKernelOnly('domains = ["a"]\naddresses = ["a"]\n[server_manager]\ntype = "local"\ncommand = "java"\nworking_dir = "w"\n', FILE);
    assert.equal(server.id, 'survival');
    assert.deepEqual(warnings, [`${FILE}:3: server_manager: is ignored: plugin server-manager is not loaded`]);
    assert.equal(plugin(parseServerConfig('domains = ["a"]\naddresses = ["a"]\n[server_manager]\n', FILE)).server_manager, undefined, 'an empty table: not managed');
  });

  it('an unknown server_manager type lists the known ones', () => {
    assert.deepEqual(issuesOf('domains = ["a"]\naddresses = ["a"]\n[server_manager]\ntype = "kubernetes"\n'), [
      '4:server_manager.type:missing or unknown type; expected one of "local", "pterodactyl", "crafty", "docker"',
    ]);
  });

  it('limbo_handlers on a raw-relay server warn that they do not run', () => {
    const { warnings } = parseServerConfigDetailed('domains = ["a"]\naddresses = ["a"]\nlimbo_handlers = ["auth"]\n', FILE);
    assert.deepEqual(warnings, [`${FILE}:3: limbo_handlers: limbo handlers need client_only or offline; with "passthrough" the proxy does not own the session and they do not run`]);
    assert.deepEqual(parseServerConfigDetailed('domains = ["a"]\naddresses = ["a"]\nproxy_mode = "offline"\nlimbo_handlers = ["auth"]\n', FILE).warnings, []);
  });

  it('an explicit id wins over the file name; warnings carry file and line', () => {
    const { server, warnings } = parseServerConfigDetailed('id = "custom"\ndomains = ["a"]\naddresses = ["a", { address = "b", weight = 0 }]\n', FILE);
    assert.equal(server.id, 'custom');
    assert.deepEqual(warnings, [`${FILE}:3: addresses[1].weight: is 0, which counts as 1; remove the address to drain it`]);
  });
});

describe('server files: balancing, health checks, captures (issue 13)', () => {
  it('accepts the issue names and v2 names of one model', () => {
    const s = parseServerConfig([
      'domains = ["*.mc.test"]',
      'addresses = ["$1.internal:25565", { address = "10.0.0.5:25565", weight = 3 }]',
      'balance = "random"',
      'connect_max_attempts = 2',
      'fallback = ["lobby", "hub"]',
      '[health_check]',
      'interval = "5s"',
      'unhealthy_after = 2',
    ].join('\n'), FILE);
    assert.deepEqual(s.addresses, [{ host: '$1.internal', port: 25565, weight: 1 }, { host: '10.0.0.5', port: 25565, weight: 3 }]);
    assert.equal(s.balance, 'random');
    assert.equal(s.connect_max_attempts, 2);
    assert.deepEqual(s.fallback, ['lobby', 'hub']);
    assert.deepEqual(s.health_check, { enabled: true, kind: 'status_ping', interval: 5000, timeout: 3000, unhealthy_after: 2, healthy_after: 2 });
    assert.equal(parseServerConfig('domains = ["a"]\naddresses = ["a"]\nbalance = "least_connections"\n', FILE).balance, 'least_connections');
    assert.deepEqual(parseServerConfig('domains = ["a"]\naddresses = ["a"]\n', FILE).fallback, []);
  });

  it('refuses a $n no domain can fill, captures in the port, and both health tables at once', () => {
    assert.deepEqual(issuesOf('domains = ["*.mc.test", "lobby.test"]\naddresses = ["$1.internal"]\n'), [
      '2:addresses[0]:"$1" needs the 1. "*" capture of the domain a player used, but domain "lobby.test" has fewer than 1 "*"',
    ]);
    assert.deepEqual(issuesOf('domains = ["*.mc.test"]\naddresses = ["$2.internal"]\n'), [
      '2:addresses[0]:"$2" needs the 2. "*" capture of the domain a player used, but domain "*.mc.test" has fewer than 2 "*"',
    ]);
    assert.equal(issuesOf('domains = ["*.mc.test"]\naddresses = ["a.internal:$1"]\n').length, 1);
    assert.deepEqual(issuesOf('domains = ["a"]\naddresses = ["a"]\n[health_check]\n[active_health]\n'), [
      '3:health_check:use either [health_check] or [active_health] in one server file, not both',
    ]);
  });
});
