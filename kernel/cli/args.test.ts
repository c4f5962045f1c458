import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBind, parseCli } from './args.ts';
import { isInfrarustError } from '../errors.ts';

test('defaults: infrarust.toml, info, run', () => {
  const o = parseCli([], {});
  assert.equal(o.command, 'run');
  assert.equal(o.config, 'infrarust.toml');
  assert.equal(o.configExplicit, false);
  assert.equal(o.logLevel, 'info');
});

test('short and long flags', () => {
  const o = parseCli(['-c', 'x.toml', '-b', '127.0.0.1:1234', '-l', 'debug', '--servers-dir', 's', '--plugins-dir', 'p'], {});
  assert.deepEqual(
    { c: o.config, e: o.configExplicit, b: o.bind, l: o.logLevel, s: o.serversDir, p: o.pluginsDir },
    { c: 'x.toml', e: true, b: '127.0.0.1:1234', l: 'debug', s: 's', p: 'p' },
  );
  assert.equal(parseCli(['-V'], {}).command, 'version');
  assert.equal(parseCli(['--help'], {}).command, 'help');
});

test('LOG_LEVEL applies unless -l is given', () => {
  assert.equal(parseCli([], { LOG_LEVEL: 'warn' }).logLevel, 'warn');
  assert.equal(parseCli(['-l', 'error'], { LOG_LEVEL: 'warn' }).logLevel, 'error');
});

test('unknown flags and levels are usage errors', () => {
  assert.throws(() => parseCli(['--nope'], {}), (e) => isInfrarustError(e, 'IR_ERR_CLI_USAGE'));
  assert.throws(() => parseCli(['-l', 'loud'], {}), /unknown log level "loud"/);
});

test('bind addresses', () => {
  assert.deepEqual(parseBind('0.0.0.0:25565'), { host: '0.0.0.0', port: 25565 });
  assert.deepEqual(parseBind('[::1]:25566'), { host: '::1', port: 25566 });
  assert.deepEqual(parseBind(':25565'), { host: '0.0.0.0', port: 25565 });
  assert.throws(() => parseBind('localhost'), /invalid bind address/);
  assert.throws(() => parseBind('a:70000'), /invalid bind address/);
});
