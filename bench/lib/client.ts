// Load-generating client (its own process, so neither the harness nor the sink competes
// with it inside one event loop). Every path (direct, relays) sees exactly the same bytes.
import net from 'node:net';
import { FrameReader, pingFrame, preamble, statusPreamble } from './mc.ts';
import { serveRpc } from './ipc.ts';

const HOST = '127.0.0.1';
/**
 * Connections come from 127.0.0.1–127.0.0.128 in turn (loopback accepts any 127/8 source), as
 * real load comes from many addresses: Infrarust caps not-yet-routed connections per address
 * (max_pre_route_per_ip), which one address at --concurrency 64 would hit. Every path sees the
 * same sources.
 */
const SOURCES = 128;
let nextSource = 0;
const source = (): string => `127.0.0.${1 + (nextSource++ % SOURCES)}`;
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);
const held: net.Socket[] = [];

interface ThroughputArgs { port: number; bytes: number; timeoutMs: number; batch?: number }
interface ConnArgs { port: number; count: number; concurrency: number; perConnTimeoutMs: number; hold?: boolean }

function throughput({ port, bytes, timeoutMs, batch = 1 }: ThroughputArgs): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const pre = preamble({ name: `bulk${bytes}` });
    let t0 = 0n;
    let sent = 0;
    let replies = 0;
    let finished = false;
    const sock = net.createConnection({ host: HOST, port, noDelay: true, localAddress: source() });
    const timer = setTimeout(() => fail(new Error(`throughput sample timed out after ${timeoutMs} ms (${sent} bytes sent)`)), timeoutMs);
    function fail(e: Error) {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.destroy();
      reject(e);
    }
    // 64 KiB write() calls; with batch > 1, `batch` of them are corked into one writev so the
    // sender's per-syscall cost does not cap the path being measured. Backpressure: after each
    // batch, if write() returned false, wait for 'drain' (so at most one batch is buffered).
    function pump() {
      while (sent < bytes && !finished) {
        if (batch > 1) sock.cork();
        let ok = true;
        for (let i = 0; i < batch && sent < bytes; i++) {
          const n = Math.min(CHUNK.length, bytes - sent);
          sent += n;
          ok = sock.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
        }
        if (batch > 1) sock.uncork();
        if (!ok) {
          sock.once('drain', pump);
          return;
        }
      }
    }
    // preamble → sink's "go" byte → payload (timed) → sink's "done" byte
    sock.on('connect', () => sock.write(pre));
    sock.on('data', (d: Buffer) => {
      if (finished) return;
      replies += d.length;
      if (t0 === 0n) {
        t0 = process.hrtime.bigint();
        pump();
      }
      if (replies < 2) return;
      finished = true;
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      sock.destroy();
      resolve({ ms, bytes });
    });
    sock.on('error', (e) => fail(e));
    sock.on('close', () => fail(new Error(`connection closed after ${sent} bytes sent, before the sink's reply`)));
  });
}

interface RunResult { ms: number; ok: number; failed: number; firstError?: string; p50ms: number; p99ms: number }

/**
 * Run `count` exchanges, `concurrency` at a time. `exchange` drives one socket and calls
 * `settle()` once (with an error when it failed); the socket is then closed, or held.
 */
function runMany(
  { port, count, concurrency, perConnTimeoutMs, hold }: ConnArgs,
  exchange: (sock: net.Socket, settle: (err?: Error) => void) => void,
): Promise<RunResult> {
  const lat = new Float64Array(count);
  let started = 0;
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  const t0 = process.hrtime.bigint();

  return new Promise<RunResult>((resolve) => {
    let active = 0;
    const launch = () => {
      while (active < concurrency && started < count) {
        started++;
        active++;
        one();
      }
      if (active === 0 && started >= count) {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const done = Array.from(lat.subarray(0, ok)).sort((a, b) => a - b);
        const q = (p: number) => (done.length ? done[Math.min(done.length - 1, Math.floor(p * done.length))]! : NaN);
        resolve({ ms, ok, failed, firstError, p50ms: q(0.5), p99ms: q(0.99) });
      }
    };
    const one = () => {
      const c0 = process.hrtime.bigint();
      let settled = false;
      const sock = net.createConnection({ host: HOST, port, noDelay: true, localAddress: source() });
      const settle = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          failed++;
          firstError ??= err.message;
          sock.destroy();
        } else {
          lat[ok++] = Number(process.hrtime.bigint() - c0) / 1e6;
          if (hold) {
            held.push(sock);
            sock.on('error', () => {});
          } else sock.destroy();
        }
        active--;
        setImmediate(launch);
      };
      const timer = setTimeout(() => settle(new Error(`no reply within ${perConnTimeoutMs} ms`)), perConnTimeoutMs);
      sock.on('error', (e) => settle(e));
      sock.on('close', () => settle(new Error('closed before the reply')));
      exchange(sock, settle);
    };
    launch();
  });
}

/**
 * Open `count` connections, `concurrency` at a time: connect, send the preamble, wait for the
 * sink's one-byte reply (proves the relay reached the backend), then close (or hold them).
 */
function connections(a: ConnArgs): Promise<RunResult> {
  const pre = preamble({ name: 'bench_ping' });
  return runMany(a, (sock, settle) => {
    sock.on('connect', () => sock.write(pre));
    sock.once('data', () => settle());
  });
}

/**
 * Server-list pings: handshake (next state 1) + Status Request, read the Status Response
 * (packet 0x00, JSON), send a Ping (0x01, 8 bytes), read the Pong with the same payload, close.
 */
function pings(a: ConnArgs): Promise<RunResult> {
  const pre = statusPreamble();
  let seq = 0n;
  return runMany({ ...a, hold: false }, (sock, settle) => {
    const payload = ++seq;
    const frames = new FrameReader();
    let gotStatus = false;
    sock.on('connect', () => sock.write(pre));
    sock.on('data', (chunk: Buffer) => {
      frames.push(chunk);
      for (;;) {
        let body: Buffer | null;
        try {
          body = frames.next();
        } catch (e) {
          return settle(e as Error);
        }
        if (!body) return;
        if (!gotStatus) {
          if (body[0] !== 0x00) return settle(new Error(`expected a Status Response, got packet 0x${body[0]?.toString(16)}`));
          gotStatus = true;
          sock.write(pingFrame(payload));
          continue;
        }
        if (body[0] !== 0x01 || body.length !== 9 || body.readBigInt64BE(1) !== payload) return settle(new Error('bad Pong'));
        return settle();
      }
    });
  });
}

/** One login as `name`: what came back first (the sink's byte, or a kick frame) and how many bytes. */
function probeLogin({ port, name, timeoutMs }: { port: number; name: string; timeoutMs: number }) {
  return new Promise<{ bytes: number; head: string; reachedSink: boolean; error?: string }>((resolve) => {
    const chunks: Buffer[] = [];
    const sock = net.createConnection({ host: HOST, port, noDelay: true, localAddress: source() });
    let done = false;
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(quiet);
      sock.destroy();
      const b = Buffer.concat(chunks);
      resolve({ bytes: b.length, head: b.subarray(0, 200).toString('latin1'), reachedSink: b.length === 1 && b[0] === 0x01, error });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    let quiet: NodeJS.Timeout | undefined;
    sock.on('connect', () => sock.write(preamble({ name })));
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      clearTimeout(quiet);
      quiet = setTimeout(() => finish(), 200); // the sink sends one byte; a kick is one frame
    });
    sock.on('error', (e) => finish(e.message));
    sock.on('close', () => finish());
  });
}

serveRpc({
  throughput,
  conns: (a: ConnArgs) => connections({ ...a, hold: false }),
  pings,
  probeLogin,
  holdOpen: (a: ConnArgs) => connections({ ...a, hold: true }),
  closeHeld: () => {
    const n = held.length;
    for (const s of held.splice(0)) s.destroy();
    return { closed: n };
  },
  heldStillOpen: () => ({ open: held.filter((s) => !s.destroyed && s.readyState === 'open').length, held: held.length }),
});
process.send!({ type: 'ready' });
