// The loop and the malformed classification against plain TCP servers (no proxy needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DEFAULT_CONCURRENCY, UsageError, isLoopback, parseArgs, type StressOptions } from './options.ts';
import { runStress, splitConcurrency } from './run.ts';
import { FrameScanner } from './shapes.ts';
import { frame } from '../lib/mc.ts';

test('flags: defaults per mode, values, help and errors', () => {
  const flood = parseArgs(['flood']) as StressOptions;
  assert.equal(flood.concurrency, DEFAULT_CONCURRENCY.flood);
  assert.equal(flood.durationS, 300);
  assert.equal(flood.protocol, 767);
  assert.equal((parseArgs(['malformed']) as StressOptions).concurrency, 50);
  const o = parseArgs(['mixed', '--host', '10.0.0.1', '--port=25566', '--concurrency', '7', '--duration', '3', '--domain', 'a.b', '--json']) as StressOptions;
  assert.deepEqual([o.mode, o.host, o.port, o.concurrency, o.durationS, o.domain, o.json], ['mixed', '10.0.0.1', 25566, 7, 3, 'a.b', true]);
  assert.equal(parseArgs(['--help']), 'help');
  assert.throws(() => parseArgs([]), UsageError);
  assert.throws(() => parseArgs(['flood', '--port', '0']), UsageError);
  assert.throws(() => parseArgs(['flood', '--nope', '1']), UsageError);
  assert.throws(() => parseArgs(['storm']), UsageError);
  assert.deepEqual(splitConcurrency({ mode: 'mixed', concurrency: 5 }), { flood: 3, malformed: 2 });
  assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('localhost') && isLoopback('127.3.2.1'));
  assert.ok(!isLoopback('10.0.0.1') && !isLoopback('example.com'));
});

test('the frame scanner returns complete packet ids across chunks', () => {
  const bytes = Buffer.concat([frame(0x00, Buffer.from('{"x":1}')), frame(0x01, Buffer.alloc(8))]);
  const f = new FrameScanner();
  assert.deepEqual(f.push(bytes.subarray(0, 5)), []);
  assert.deepEqual(f.push(bytes.subarray(5)), [0x00, 0x01]);
  assert.throws(() => new FrameScanner(10).push(frame(0x00, Buffer.alloc(64))));
});

async function listen(onSocket: (s: Socket) => void, allowHalfOpen = false): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen }, (s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    onSocket(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

function options(mode: StressOptions['mode'], port: number, extra: Partial<StressOptions> = {}): StressOptions {
  return {
    mode, host: '127.0.0.1', port, concurrency: 6, durationS: 1, domain: 'x.test', protocol: 767,
    timeoutMs: 500, closeWithinMs: 300, slowIntervalMs: 20, reportEveryMs: 100_000, json: false, ...extra,
  };
}

test('malformed: a server that closes at once scores successes, one that never closes scores "stayed open"', async () => {
  const closer = await listen((s) => s.once('data', () => s.destroy()));
  const sink = await listen((s) => s.resume(), true);
  try {
    const good = await runStress(options('malformed', closer.port), { onReport: () => undefined });
    const m = good.categories.malformed!;
    assert.ok(m.ok > 6, `ok ${m.ok}`);
    assert.equal(m.errors, 0, JSON.stringify(m.errorReasons));
    assert.equal(Object.keys(m.shapes).length, 6, 'every shape ran');

    const started = Date.now();
    const bad = await runStress(options('malformed', sink.port), { onReport: () => undefined });
    assert.ok(Date.now() - started < 2500, 'the run stops at its duration');
    const b = bad.categories.malformed!;
    assert.ok(b.errors >= 6, `errors ${b.errors}`);
    assert.ok(Object.keys(b.errorReasons).some((k) => k.endsWith('stayed open')));
    // Early close is the one shape where the client itself closes; the sink never answers the FIN.
    assert.equal(b.ok, 0);
    await new Promise((r) => setTimeout(r, 100));
    const stillOpen = [...sink.sockets].filter((s) => !s.readableEnded);
    assert.equal(stillOpen.length, 0, 'the tool closed every socket at the end (the half-open sink saw a FIN on each)');
    for (const s of sink.sockets) s.destroy();
  } finally {
    closer.server.close();
    sink.server.close();
  }
});

test('flood against a closed port counts connect failures and still stops', async () => {
  const s = await listen(() => undefined);
  const port = s.port;
  await new Promise((r) => s.server.close(r));
  const res = await runStress(options('flood', port, { concurrency: 2 }), { onReport: () => undefined });
  assert.equal(res.categories.flood!.ok, 0);
  assert.ok(res.categories.flood!.connectFail > 0);
  assert.deepEqual(Object.keys(res.categories.flood!.connectFailReasons), ['ECONNREFUSED']);
});
