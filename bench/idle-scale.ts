// Idle scale (issue 10, "10,000 idle relayed connections"): one Infrarust process holds as many
// idle passthrough connections as its fd limit allows, and this reports its fds, threads, RSS per
// connection and CPU over an idle period (~0 expected: the relay thread sleeps in epoll_wait).
//
//   node --import tsx bench/idle-scale.ts [--conns N] [--relay native|js] [--idle-s S] [--json FILE]
//
// Three processes so that each holds one side: the proxy (bin/infrarust.mjs, its fds are the
// ones counted), a client (N sockets) and a sink (N backend sockets); each has its own fd limit.
// Connections complete the bench preamble (handshake + Login Start) and get the sink's byte
// through the proxy, so both legs exist, then stay idle. The client connects from
// 127.0.0.1–127.0.0.128 in turn (the per-address pre-route cap), with [rate_limit] off.
import { spawn, fork, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { preamble } from './lib/mc.ts';
import { cpuSeconds, rssKiB } from './lib/proc.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const role = process.env.IDLE_SCALE_ROLE;

if (role === 'sink') runSink();
else if (role === 'client') runClient();
else await main();

/** Accepts, discards the preamble, answers one byte, keeps the socket. */
function runSink(): void {
  const held: Socket[] = [];
  const server = createServer((s) => {
    held.push(s);
    s.on('error', () => undefined);
    s.once('data', () => s.write(Buffer.from([1])));
    s.on('data', () => undefined);
  });
  server.maxConnections = 1 << 30;
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'count') process.send!({ open: held.filter((s) => !s.destroyed).length });
  });
}

/** Opens `count` connections, `concurrency` at a time; each sends the preamble and waits for the byte. */
function runClient(): void {
  const held: Socket[] = [];
  process.on('message', async (m: { cmd: string; port: number; count: number; concurrency: number }) => {
    if (m.cmd === 'count') return void process.send!({ open: held.filter((s) => !s.destroyed).length });
    if (m.cmd !== 'open') return;
    let next = 0;
    let ok = 0;
    let failed = 0;
    let firstError: string | undefined;
    const bytes = preamble({ name: 'idle' });
    const one = (i: number): Promise<void> =>
      new Promise((resolve) => {
        const s = connect({ port: m.port, host: '127.0.0.1', localAddress: `127.0.0.${1 + (i % 128)}` });
        const timer = setTimeout(() => fail(new Error('timed out')), 20_000);
        const fail = (e: Error): void => {
          clearTimeout(timer);
          failed++;
          firstError ??= e.message;
          s.destroy();
          resolve();
        };
        s.once('error', fail);
        s.once('connect', () => s.write(bytes));
        s.once('data', () => {
          clearTimeout(timer);
          s.removeListener('error', fail);
          s.on('error', () => undefined);
          held.push(s);
          ok++;
          resolve();
        });
      });
    const t0 = Date.now();
    await Promise.all(Array.from({ length: m.concurrency }, async () => {
      while (next < m.count) await one(next++);
    }));
    process.send!({ ok, failed, firstError, ms: Date.now() - t0 });
  });
}

function ask<T>(child: ChildProcess, msg: object): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(msg);
  });
}

function startRole(name: string): ChildProcess {
  return fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, IDLE_SCALE_ROLE: name }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function count(dir: string): number {
  return readdirSync(dir).length;
}

/** Run time of each thread (schedstat, ns), keyed by "tid name". */
function threadTimes(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      out.set(`${tid} ${name}`, ns);
    } catch {
      /* gone */
    }
  }
  return out;
}

function limits(pid: number): string {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files')) ?? '';
  return line.replace(/\s+/g, ' ').trim();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      conns: { type: 'string', default: '9000' },
      relay: { type: 'string', default: 'native' },
      'idle-s': { type: 'string', default: '10' },
      json: { type: 'string' },
    },
  });
  const n = Number(values.conns);
  const idleS = Number(values['idle-s']);
  const relay = values.relay === 'js' ? 'js' : 'native';
  const log = (m: string): void => console.log(m);

  const sink = startRole('sink');
  const client = startRole('client');
  const { port: sinkPort } = await new Promise<{ port: number }>((r) => sink.once('message', (m) => r(m as { port: number })));
  const dir = mkdtempSync(path.join(tmpdir(), 'infrarust-idle-scale-'));
  mkdirSync(path.join(dir, 'servers'));
  const proxyPort = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  writeFileSync(path.join(dir, 'infrarust.toml'), `bind = "127.0.0.1:${proxyPort}"\nservers_dir = "${path.join(dir, 'servers')}"\n\n[rate_limit]\nenabled = false\n`);
  writeFileSync(path.join(dir, 'servers', 'bench.toml'), `domains = ["bench.local"]\naddresses = ["127.0.0.1:${sinkPort}"]\n`);
  const env = { ...process.env };
  if (relay === 'js') env.INFRARUST_RELAY = 'js';
  else delete env.INFRARUST_RELAY;
  const proxy = spawn(process.execPath, [path.join(REPO, 'bin/infrarust.mjs'), '-c', path.join(dir, 'infrarust.toml'), '-l', 'warn'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const pid = proxy.pid!;
  const stop = (): void => {
    proxy.kill('SIGKILL');
    sink.kill('SIGKILL');
    client.kill('SIGKILL');
  };
  try {
    for (let i = 0; i < 200; i++) {
      const up = await new Promise<boolean>((r) => {
        const s = connect(proxyPort, '127.0.0.1', () => (s.destroy(), r(true)));
        s.on('error', () => r(false));
      });
      if (up) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    // Warm-up, then the baseline.
    const warm = await ask<{ ok: number }>(client, { cmd: 'open', port: proxyPort, count: 100, concurrency: 16 });
    log(`warm-up: ${warm.ok} connections held (they stay; the baseline includes them)`);
    await new Promise((r) => setTimeout(r, 500));
    const before = { fds: count(`/proc/${pid}/fd`), threads: count(`/proc/${pid}/task`), rssKiB: rssKiB(pid) };
    log(`proxy pid ${pid} (${relay} relay), ${limits(pid)}; before: ${before.fds} fds, ${before.threads} threads, RSS ${(before.rssKiB / 1024).toFixed(1)} MiB`);
    const res = await ask<{ ok: number; failed: number; firstError?: string; ms: number }>(client, { cmd: 'open', port: proxyPort, count: n, concurrency: 64 });
    log(`opened ${res.ok}/${n} in ${(res.ms / 1000).toFixed(1)} s${res.failed ? `, ${res.failed} failed (first: ${res.firstError})` : ''}`);
    await new Promise((r) => setTimeout(r, 1000));
    const after = { fds: count(`/proc/${pid}/fd`), threads: count(`/proc/${pid}/task`), rssKiB: rssKiB(pid) };
    const cpu0 = cpuSeconds(pid);
    const threads0 = threadTimes(pid);
    await new Promise((r) => setTimeout(r, idleS * 1000));
    const cpuIdle = cpuSeconds(pid) - cpu0;
    const perThread = [...threadTimes(pid)].map(([k, ns]) => [k, (ns - (threads0.get(k) ?? ns)) / 1e6] as const).filter(([, ms]) => ms > 0.05).sort((a, b) => b[1] - a[1]);
    const end = { fds: count(`/proc/${pid}/fd`), threads: count(`/proc/${pid}/task`), rssKiB: rssKiB(pid) };
    const { open: clientOpen } = await ask<{ open: number }>(client, { cmd: 'count' });
    const { open: sinkOpen } = await ask<{ open: number }>(sink, { cmd: 'count' });
    const held = res.ok;
    const result = {
      date: new Date().toISOString(),
      relay,
      requested: n,
      held,
      stillOpen: { client: clientOpen, sink: sinkOpen },
      fdLimit: limits(pid),
      before,
      after,
      afterIdle: end,
      fdsPerConn: (after.fds - before.fds) / held,
      threadsAdded: after.threads - before.threads,
      kbPerConn: (after.rssKiB - before.rssKiB) / held,
      idleSeconds: idleS,
      idleCpuSeconds: cpuIdle,
      idleCpuMsPerThread: Object.fromEntries(perThread),
    };
    log(`after: ${after.fds} fds (${result.fdsPerConn.toFixed(2)} per connection), ${after.threads} threads (+${result.threadsAdded}), RSS ${(after.rssKiB / 1024).toFixed(1)} MiB (${result.kbPerConn.toFixed(2)} KB per connection)`);
    log(`idle ${idleS} s: relay CPU ${(cpuIdle * 1000).toFixed(1)} ms (by thread: ${perThread.map(([k, ms]) => `${k} ${ms.toFixed(1)}`).join(', ') || 'none'}; the main thread is tid = pid); after it ${end.fds} fds, RSS ${(end.rssKiB / 1024).toFixed(1)} MiB; still open: client ${clientOpen}, sink ${sinkOpen}`);
    if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
  } finally {
    stop();
  }
}
