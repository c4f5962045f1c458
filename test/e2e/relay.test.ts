// The passthrough relay, on both implementations: the native splice relay (native/splice) and
// the JS relay (INFRARUST_RELAY=js). Exact bytes (hashes) with half-close from each side, a
// backend killed mid-transfer, a client reset mid-transfer, a backend that never reads, a kick,
// idle connections holding no pipe and no CPU.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { readdirSync } from 'node:fs';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { encodeHandshake } from '../../kernel/protocol/packets/handshake.ts';
import { encodeLoginStart } from '../../kernel/protocol/packets/login.ts';
import { loadNativeRelay, nativeRelayStats } from '../../kernel/net/native-relay.ts';

type Kind = 'native' | 'js';
const native = loadNativeRelay();
const PREAMBLE = Buffer.concat([
  encodeHandshake({ protocolVersion: 769, address: 'relay.test', port: 25565, nextState: 2 }),
  encodeLoginStart({ name: 'relayer' }, 769),
]);

/** The backend's side of each accepted connection, handed to the running test. */
let onBackend: (s: Socket) => void = (s) => s.destroy();
let backendServer: Server;
let proxy: Harness;

before(async () => {
  backendServer = createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => undefined);
    onBackend(s);
  });
  await new Promise<void>((r) => backendServer.listen(0, '127.0.0.1', r));
  proxy = await startProxy({ servers: { relay: serverToml(['relay.test'], [(backendServer.address() as { port: number }).port]) } });
});

after(async () => {
  delete process.env.INFRARUST_RELAY;
  await proxy.stop();
  backendServer.close();
});

function useRelay(kind: Kind): void {
  if (kind === 'js') process.env.INFRARUST_RELAY = 'js';
  else delete process.env.INFRARUST_RELAY;
}

function sha(...parts: Buffer[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/** Collects a socket's bytes until it ends or closes. */
function collect(s: Socket): { chunks: Buffer[]; ended: Promise<Buffer> } {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<Buffer>((resolve) => {
    s.once('end', () => resolve(Buffer.concat(chunks)));
    s.once('close', () => resolve(Buffer.concat(chunks)));
  });
  return { chunks, ended };
}

async function client(): Promise<Socket> {
  const s = connect({ port: proxy.port, host: '127.0.0.1', allowHalfOpen: true });
  s.on('error', () => undefined);
  await new Promise((r) => s.once('connect', r));
  s.write(PREAMBLE);
  return s;
}

function nextBackend(): Promise<Socket> {
  return new Promise((resolve) => (onBackend = resolve));
}

async function settled(kind: Kind): Promise<void> {
  for (let i = 0; i < 100 && (proxy.proxy.activeConnections > 0 || (kind === 'native' && nativeRelayStats().active > 0)); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(proxy.proxy.activeConnections, 0, 'the proxy closed the connection');
  if (kind === 'native') assert.deepEqual([nativeRelayStats().active, nativeRelayStats().pipesInUse], [0, 0], 'the addon closed its relay and pipes');
}

for (const kind of ['native', 'js'] as const) {
  const skip = kind === 'native' && !native.ok ? `native relay unavailable: ${native.ok ? '' : native.reason}` : false;

  test(`${kind}: exact bytes both ways; the client half-closes first and the backend keeps sending`, { skip, timeout: 20_000 }, async () => {
    useRelay(kind);
    const up = randomBytes(6 * 1024 * 1024);
    const down = randomBytes(5 * 1024 * 1024);
    const tail = randomBytes(1024 * 1024);
    const backendP = nextBackend();
    const c = await client();
    const got = collect(c);
    const b = await backendP;
    for (let i = 0; i < 50 && kind === 'native' && nativeRelayStats().tracked === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(nativeRelayStats().tracked, kind === 'native' ? 1 : 0, `relayed by the ${kind} relay`);
    const received = collect(b);
    b.write(down);
    c.end(up);
    const atBackend = await received.ended; // the client's FIN reached the backend
    b.end(tail); // the other direction still flows after the half-close
    assert.equal(sha(atBackend), sha(PREAMBLE, up));
    assert.equal(sha(await got.ended), sha(down, tail));
    await settled(kind);
  });

  test(`${kind}: exact bytes both ways; the backend half-closes first and the client keeps sending`, { skip, timeout: 20_000 }, async () => {
    useRelay(kind);
    const down = randomBytes(4 * 1024 * 1024);
    const up = randomBytes(4 * 1024 * 1024);
    const backendP = nextBackend();
    const c = await client();
    const got = collect(c);
    const b = await backendP;
    const received = collect(b);
    b.end(down);
    assert.equal(sha(await got.ended), sha(down));
    c.end(up); // after the backend's FIN
    assert.equal(sha(await received.ended), sha(PREAMBLE, up));
    await settled(kind);
  });

  test(`${kind}: a backend killed mid-transfer closes the client; what arrived is an exact prefix`, { skip, timeout: 20_000 }, async () => {
    useRelay(kind);
    const up = randomBytes(32 * 1024 * 1024);
    const down = randomBytes(2 * 1024 * 1024);
    const backendP = nextBackend();
    const c = await client();
    const got = collect(c);
    const b = await backendP;
    const received: Buffer[] = [];
    let n = 0;
    b.write(down, () => {
      b.on('data', (chunk: Buffer) => {
        received.push(chunk);
        n += chunk.length;
        if (n >= 4 * 1024 * 1024) b.destroy(); // killed with the client still sending
      });
    });
    c.write(up);
    const atClient = await got.ended;
    const atBackend = Buffer.concat(received);
    assert.ok(atBackend.length >= 4 * 1024 * 1024);
    assert.equal(sha(atBackend), sha(Buffer.concat([PREAMBLE, up]).subarray(0, atBackend.length)));
    assert.equal(sha(atClient), sha(down.subarray(0, atClient.length)));
    if (!c.destroyed) await new Promise((r) => c.once('close', r));
    await settled(kind);
  });

  test(`${kind}: a client reset mid-transfer closes the backend`, { skip, timeout: 20_000 }, async () => {
    useRelay(kind);
    const up = randomBytes(16 * 1024 * 1024);
    const backendP = nextBackend();
    const c = await client();
    const b = await backendP;
    const received = collect(b);
    b.write(randomBytes(8 * 1024 * 1024)); // the client never reads these: its reset loses them
    c.write(up);
    await new Promise((r) => setTimeout(r, 50));
    c.resetAndDestroy();
    const atBackend = await received.ended;
    assert.equal(sha(atBackend), sha(Buffer.concat([PREAMBLE, up]).subarray(0, atBackend.length)));
    if (!b.destroyed) b.destroy();
    await settled(kind);
  });

  test(`${kind}: a backend that never reads holds the client back (backpressure, bounded buffering)`, { skip, timeout: 20_000 }, async () => {
    useRelay(kind);
    const backendP = nextBackend();
    const c = await client();
    const b = await backendP;
    b.pause(); // never reads
    const chunk = Buffer.alloc(1024 * 1024, 1);
    let queued = 0;
    while (c.write(chunk) && queued < 256) queued++;
    const drained = await Promise.race([
      new Promise((r) => c.once('drain', () => r(true))),
      new Promise((r) => setTimeout(() => r(false), 1500)),
    ]);
    const accepted = c.bytesWritten - c.writableLength;
    // What the kernel took: socket buffers on both legs (loopback autotuning, a few MiB each)
    // plus one pipe (native) or the stream's highWaterMark (JS), never the whole stream.
    assert.ok(accepted < 40 * 1024 * 1024, `accepted ${accepted} bytes`);
    if (drained) assert.ok(queued < 256);
    if (kind === 'native') assert.ok(nativeRelayStats().pipesInUse <= 1, 'one pipe, full');
    c.destroy();
    b.destroy();
    await settled(kind);
  });

  test(`${kind}: destroying the client socket (a kick, shutdown) closes the backend`, { skip, timeout: 20_000 }, async () => {
    useRelay(kind);
    const backendP = nextBackend();
    const c = await client();
    const b = await backendP;
    const backendClosed = new Promise((r) => b.once('close', r));
    b.resume();
    b.on('end', () => b.end());
    const [ctx] = proxy.proxy.liveConnections();
    assert.ok(ctx !== undefined);
    await new Promise((r) => setTimeout(r, 20));
    ctx.socket.destroy();
    await backendClosed;
    if (!c.readableEnded) await new Promise((r) => c.once('end', r));
    c.destroy();
    await settled(kind);
  });

  test(`${kind}: ProxyApi.disconnect (a kick) closes a relayed connection: Disconnect fires, the player and the connection are gone`, { skip, timeout: 20_000 }, async () => {
    useRelay(kind);
    const backendP = nextBackend();
    const c = await client();
    const b = await backendP;
    const backendClosed = new Promise((r) => b.once('close', r));
    b.resume();
    b.on('end', () => b.end());
    for (let i = 0; i < 50 && proxy.proxy.players.all().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const [player] = proxy.proxy.players.all();
    assert.equal(player?.username, 'relayer');
    const gone = new Promise<string>((resolve) => {
      const off = proxy.proxy.layers.events.on('t', 'Disconnect', (e) => {
        off();
        resolve(e.player.username);
      });
    });
    assert.equal(proxy.api.disconnect(player.connectionId, 'bye'), true);
    assert.equal(await gone, 'relayer');
    await backendClosed;
    if (!c.readableEnded) await new Promise((r) => c.once('end', r));
    c.destroy();
    await settled(kind);
    assert.equal(proxy.proxy.players.all().length, 0);
    assert.equal(proxy.api.disconnect(player.connectionId, 'again'), false);
  });
}

test('native: idle relayed connections hold 2 fds, no pipe, no extra thread and no CPU', { skip: native.ok ? false : 'native relay unavailable' }, async () => {
  useRelay('native');
  const threads = readdirSync('/proc/self/task').length;
  const fds = readdirSync('/proc/self/fd').length;
  const count = 300;
  const pairs: Socket[] = [];
  for (let i = 0; i < count; i++) {
    const backendP = nextBackend();
    const c = await client();
    const b = await backendP;
    b.resume(); // swallows the preamble
    b.on('end', () => b.end());
    pairs.push(c, b);
  }
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual([nativeRelayStats().active, nativeRelayStats().pipesInUse], [count, 0]);
  // Per pair: the proxy's 2 (the addon's client dup and its backend socket; JS closed its own
  // handle), plus this process's test client and test backend sockets.
  const perPair = (readdirSync('/proc/self/fd').length - fds) / count;
  assert.ok(perPair <= 4.05, `${perPair.toFixed(2)} fds per relayed pair (2 in the proxy + 2 test peers)`);
  const cpu = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 1000));
  const used = process.cpuUsage(cpu);
  assert.ok(used.user + used.system < 100_000, `idle CPU ${used.user + used.system} µs in 1 s`);
  assert.equal(readdirSync('/proc/self/task').length, threads, 'no thread per connection');
  for (const s of pairs) s.destroy();
  await settled('native');
});

test('an addon that cannot load: one clear reason, the JS relay is used', async () => {
  const { spawnSync } = await import('node:child_process');
  const script = `import { loadNativeRelay } from './kernel/net/native-relay.ts';
    import { writeFileSync } from 'node:fs';
    writeFileSync('/tmp/infrarust-broken.node', 'not an ELF file');
    console.log(JSON.stringify([loadNativeRelay('/tmp/infrarust-broken.node')]));`;
  const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname });
  const [load] = JSON.parse(out.stdout) as [{ ok: boolean; reason: string }];
  assert.equal(load.ok, false);
  assert.match(load.reason, /^failed to load: /);
  const missing = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { loadNativeRelay } from './kernel/net/native-relay.ts'; console.log(JSON.stringify(loadNativeRelay('/nonexistent/x.node')));`], { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname });
  assert.match((JSON.parse(missing.stdout) as { reason: string }).reason, /^not built/);
});
