import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProxyConfig, parseServerConfigDetailed, type ForwardingMode, type ProxyMode } from '../../config/index.ts';
import { effectiveForwarding, needsForwardingSecret } from './mode.ts';

const global = (mode: ForwardingMode) => ({ forwarding: { mode } });
const server = (proxy_mode: ProxyMode, forwarding_mode?: ForwardingMode) => ({ proxy_mode, forwarding_mode });

test('the server\'s forwarding_mode wins, else the global mode', () => {
  assert.equal(effectiveForwarding(server('offline'), global('bungee_guard')), 'bungee_guard');
  assert.equal(effectiveForwarding(server('offline', 'none'), global('velocity')), 'none');
  assert.equal(effectiveForwarding(server('client_only', 'velocity'), global('none')), 'velocity');
  assert.equal(effectiveForwarding(server('full'), global('velocity')), 'velocity');
});

test('raw proxy modes cannot answer velocity:player_info: velocity becomes BungeeCord legacy (as the anchor)', () => {
  for (const mode of ['passthrough', 'zero_copy', 'server_only'] as const) {
    assert.equal(effectiveForwarding(server(mode, 'velocity'), global('none')), 'bungee_cord');
    assert.equal(effectiveForwarding(server(mode), global('velocity')), 'bungee_cord');
    assert.equal(effectiveForwarding(server(mode), global('bungee_guard')), 'bungee_guard');
  }
});

test('the secret file is needed by velocity and bungee_guard only', () => {
  assert.deepEqual((['none', 'bungee_cord', 'bungee_guard', 'velocity'] as const).filter(needsForwardingSecret), ['bungee_guard', 'velocity']);
});

test('config load says so: per server, and once for a global velocity mode', () => {
  const { warnings } = parseServerConfigDetailed('domains = ["a.example"]\naddresses = ["127.0.0.1"]\nforwarding_mode = "velocity"\n', '/etc/infrarust/servers/a.toml');
  assert.deepEqual(warnings, ['/etc/infrarust/servers/a.toml:3: forwarding_mode: velocity forwarding needs client_only or offline; with "passthrough" BungeeCord forwarding is sent instead']);
  assert.deepEqual(parseServerConfigDetailed('addresses = ["127.0.0.1"]\nproxy_mode = "offline"\nforwarding_mode = "velocity"\n', '/x/b.toml').warnings, []);
  const g = parseProxyConfig('[forwarding]\nmode = "modern"\n', '/etc/infrarust/infrarust.toml').warnings;
  assert.equal(g.length, 1);
  assert.match(g[0]!, /infrarust\.toml:2: forwarding\.mode: velocity forwarding reaches client_only and offline servers only; passthrough, zero_copy and server_only servers without their own forwarding_mode get BungeeCord legacy forwarding instead/);
});
