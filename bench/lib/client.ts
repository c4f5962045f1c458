// Load-generating client (its own process, so neither the harness nor the sink competes
// with it inside one event loop). Every path (direct, relays) sees exactly the same bytes.
import net from 'node:net';
import { FrameReader, pingFrame, preamble, statusPreamble } from './mc.ts';
import { BulkCounter, IDS, PacketCodec, answerEncryptionRequest, bulkName, bulkPackets, loginHello } from './mc-login.ts';
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

// ---- intercepted workload: a real 1.21.4 login (lib/mc-login.ts) ----------------------------

interface Login {
  /** Its splitter may still hold bytes that came in the same read as Finish Configuration (decrypted). */
  codec: PacketCodec;
}

/**
 * Drives one login on `sock` (already connecting): handshake + Login Start, [Encryption
 * Request → Response, AES on], [Set Compression], Login Success → Login Acknowledged, Finish
 * Configuration → Acknowledge Finish Configuration. Calls `done` once in play, or `fail`.
 * Returns the function the caller feeds the socket's bytes to until then (chunks are kept: pass
 * copies when the read buffer is reused).
 */
function mcLogin(sock: net.Socket, name: string, online: boolean, done: (l: Login) => void, fail: (e: Error) => void): (chunk: Buffer) => void {
  const codec = new PacketCodec();
  let state: 'login' | 'config' = 'login';
  let encrypted = false;
  const onData = (chunk: Buffer) => {
    try {
      codec.push(chunk);
      for (let p = codec.next(); p !== null; p = codec.next()) {
        const id = p[0];
        if (state === 'login') {
          if (id === IDS.encryptionRequest) {
            const a = answerEncryptionRequest(p);
            sock.write(codec.frame(a.response));
            codec.enableEncryption(a.secret);
            encrypted = true;
          } else if (id === IDS.setCompression) {
            codec.threshold = readThreshold(p);
          } else if (id === IDS.loginSuccess) {
            if (online && !encrypted) throw new Error('Login Success without encryption on a client_only path');
            sock.write(codec.frame(Buffer.from([IDS.loginAcknowledged])));
            state = 'config';
          } else if (id === IDS.loginDisconnect) {
            throw new Error(`kicked during login: ${p.subarray(1, 200).toString('utf8')}`);
          } else throw new Error(`unexpected login packet 0x${id!.toString(16)}`);
        } else if (id === IDS.finishConfigurationCb) {
          sock.write(codec.frame(Buffer.from([IDS.finishConfigurationSb])));
          return done({ codec });
        }
      }
    } catch (e) {
      fail(e as Error);
    }
  };
  sock.on('connect', () => sock.write(loginHello(name)));
  return onData;
}

function readThreshold(p: Buffer): number {
  let v = 0;
  for (let i = 1, shift = 0; i < p.length; i++, shift += 7) {
    v |= (p[i]! & 0x7f) << shift;
    if ((p[i]! & 0x80) === 0) return v | 0;
  }
  throw new Error('truncated Set Compression');
}

interface McBulkArgs { port: number; kib: number; packetKiB: number; online: boolean; timeoutMs: number }
interface McBulkResult { ms: number; packetBytes: number; wireBytes: number; frames: number; threshold: number; encrypted: boolean; clientCpuS: number }

/**
 * One bulk sample: log in as bulk<KiB>x<packet KiB>, then count the play frames the sink
 * streams (BulkCounter: headers only, so the client stays cheap); timed from Acknowledge Finish
 * Configuration to the last frame. clientCpuS: this process's CPU over the same span.
 */
function mcBulk({ port, kib, packetKiB, online, timeoutMs }: McBulkArgs): Promise<McBulkResult> {
  return new Promise((resolve, reject) => {
    const want = bulkPackets(kib * 1024, packetKiB * 1024);
    // One reused 256 KiB read buffer (`onread`): no allocation per read, fewer reads, so the
    // client's own CPU per byte stays far below the relay's. Login bytes are copied (kept by
    // the codec), bulk bytes only scanned.
    let route: (chunk: Buffer) => void = () => {};
    const buffer = Buffer.allocUnsafe(256 * 1024);
    const sock = net.createConnection({ host: HOST, port, noDelay: true, localAddress: source(), onread: { buffer, callback: (n: number) => (route(buffer.subarray(0, n)), true) } });
    let finished = false;
    const timer = setTimeout(() => fail(new Error(`intercepted bulk sample timed out after ${timeoutMs} ms`)), timeoutMs);
    function fail(e: Error) {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      sock.destroy();
      reject(e);
    }
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('closed before the bulk stream ended')));
    const login = mcLogin(sock, bulkName(kib, packetKiB), online, ({ codec }) => {
      // The sink streams only after our Acknowledge Finish Configuration: nothing can be pending.
      if (codec.splitter.pendingBytes > 0) return fail(new Error(`${codec.splitter.pendingBytes} bytes arrived before the client finished configuration`));
      const t0 = process.hrtime.bigint();
      const cpu0 = process.cpuUsage();
      const counter = new BulkCounter({ compressed: codec.threshold >= 0, key: codec.secret, tail: codec.secret ? codec.tail : undefined, expectId: IDS.customPayloadCb });
      route = (chunk: Buffer) => {
        if (finished) return;
        try {
          counter.push(chunk);
        } catch (e) {
          return fail(e as Error);
        }
        if (counter.frames < want) return;
        finished = true;
        clearTimeout(timer);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const c = process.cpuUsage(cpu0);
        sock.destroy();
        resolve({ ms, packetBytes: counter.packetBytes, wireBytes: counter.wireBytes, frames: counter.frames, threshold: codec.threshold, encrypted: codec.secret !== undefined, clientCpuS: (c.user + c.system) / 1e6 });
      };
    }, fail);
    route = (chunk) => login(Buffer.from(chunk));
  });
}

/** Full logins through to the first play packet, then close; `concurrency` at a time. */
function mcJoins(a: ConnArgs & { online: boolean }): Promise<RunResult & { clientCpuS: number }> {
  let seq = 0;
  const cpu0 = process.cpuUsage();
  return runMany({ ...a, hold: false }, (sock, settle) => {
    // Any name but bulk…: the sink answers with one play packet.
    const login = mcLogin(sock, `join_${(seq++ % 100_000).toString(36)}`, a.online, ({ codec }) => {
      const onPlay = (chunk: Buffer | null) => {
        try {
          if (chunk) codec.push(chunk);
          const p = codec.next();
          if (p === null) return;
          if (p[0] !== IDS.customPayloadCb) return settle(new Error(`expected the sink's play packet, got 0x${p[0]!.toString(16)}`));
          settle();
        } catch (e) {
          settle(e as Error);
        }
      };
      sock.off('data', login);
      sock.on('data', onPlay);
      onPlay(null);
    }, settle);
    sock.on('data', login);
  }).then((r) => {
    const c = process.cpuUsage(cpu0);
    return { ...r, clientCpuS: (c.user + c.system) / 1e6 };
  });
}

serveRpc({
  mcBulk,
  mcJoins,
  cpu: () => process.cpuUsage(),
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
