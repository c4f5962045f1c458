// What the security plugins add to one connection, measured without sockets: two in-process
// proxies (the real kernel, plugin host and builtin plugins), one with ip-filter, rate-limit and
// ban configured as in the `security` profile and one with no plugin, each driven through the
// kernel's per-connection plugin steps (transport tap + accept filters, ConnectionHandshake,
// PreLogin/ServerPreConnect for logins, close) many times. The difference is the plugins' own
// CPU per connection, free of loopback and scheduling noise. Prints one JSON line.
//   node --import tsx bench/lib/hook-cost.ts [iterations]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startProxy, type Harness } from '../../test/helpers/proxy-harness.ts';
import { TransportTap } from '../../kernel/net/transport-tap.ts';
import { handshakeGate, loginGates } from '../../kernel/session/gates.ts';
import type { ConnectionContext } from '../../kernel/session/connection-context.ts';
import { benchBans, securityToml } from './paths.ts';

const ITERATIONS = Math.max(1000, Number(process.argv[2] ?? 100_000));
const REPEATS = 5;
const SERVER = { bench: 'domains = ["bench.local"]\naddresses = ["127.0.0.1:9"]\n' };
const UUIDS = Array.from({ length: 1024 }, () => randomUUID());

/** The connection fields the plugin steps read; the rest of a context is never touched here. */
function context(i: number, login: boolean): ConnectionContext {
  return {
    id: i,
    remoteAddress: '127.0.0.1',
    remotePort: 30_000 + (i & 8191),
    handshake: { protocolVersion: 767, rawAddress: 'bench.local', host: 'bench.local', port: 25565, intent: login ? 'login' : 'status' },
    serverId: 'bench',
    username: 'bench_ping',
    uuid: UUIDS[i & 1023],
  } as unknown as ConnectionContext;
}

function oneConnection(h: Harness, i: number, login: boolean): void {
  const layers = h.proxy.layers;
  const ctx = context(i, login);
  if (!layers.transport.isEmpty) {
    const tap = new TransportTap(layers.transport, { connectionId: i, remoteAddress: ctx.remoteAddress, remotePort: ctx.remotePort, localPort: 25565 });
    const verdict = layers.transport.runAccept(tap.ctx);
    if (verdict instanceof Promise || verdict.type !== 'continue') throw new Error('an accept filter refused or went asynchronous');
    finish(h, ctx, login);
    layers.transport.runClose(tap.ctx);
  } else {
    finish(h, ctx, login);
  }
}

function finish(h: Harness, ctx: ConnectionContext, login: boolean): void {
  const gate = handshakeGate(ctx, h.proxy.layers.events);
  if (gate instanceof Promise || gate.type !== 'allow') throw new Error('the handshake gate refused or went asynchronous');
  if (!login) return;
  const outcome = loginGates(ctx, 'bench', h.proxy.layers.events);
  if (outcome instanceof Promise || outcome.type !== 'allow') throw new Error('the login gates refused or went asynchronous');
}

/** Median CPU ns per connection over REPEATS runs of ITERATIONS. */
function measure(h: Harness, login: boolean): number {
  const runs: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < ITERATIONS; i++) oneConnection(h, i, login);
    const c = process.cpuUsage(c0);
    runs.push(((c.user + c.system) * 1000) / ITERATIONS);
  }
  return runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)];
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infrarust-hook-cost-'));
const bans = path.join(dir, 'bans.json');
fs.writeFileSync(bans, JSON.stringify(benchBans()));
const on = await startProxy({ builtins: ['ip-filter', 'rate-limit', 'ban'], global: securityToml(bans), servers: SERVER });
const off = await startProxy({ builtins: [], servers: SERVER });
try {
  // Warm both (JIT), then alternate so neither always runs on a colder process.
  for (const h of [on, off]) for (const login of [false, true]) for (let i = 0; i < 20_000; i++) oneConnection(h, i, login);
  const result = {
    iterations: ITERATIONS,
    ping_ns: { on: measure(on, false), off: measure(off, false) },
    login_ns: { on: measure(on, true), off: measure(off, true) },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await Promise.all([on.stop(), off.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
}
