// PROXY protocol behind a load balancer: headers from trusted peers set the client address that
// filters, events and plugins see; untrusted peers, missing and slow headers are refused without
// stalling anyone; `send_proxy_protocol` backends get a v2 header before the client's exact bytes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join, ping, plainText } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { encodeHandshake } from '../../kernel/protocol/packets/handshake.ts';
import { encodeLoginStart } from '../../kernel/protocol/packets/login.ts';
import { encodeProxyV2, encodeProxyV2Local, parseProxyHeader } from '../../kernel/protocol/proxy-protocol.ts';
import { ping16, utf16 } from '../helpers/legacy-bytes.ts';
import { continueVerdict, type ConnectionRef } from '../../sdk/index.ts';

const VERSION = '1.21.4';
let backend: Backend;
let raw: { server: Server; port: number; received: Buffer[] };
/** A backend that, like Paper/Velocity with proxy-protocol on, drops connections without a header. */
let strictBackend: Backend;
let strict: { server: Server; port: number; headers: string[] };
let proxy: Harness;
let handshakes: ConnectionRef[] = [];
let accepted: { remoteAddress: string; remotePort: number }[] = [];

before(async () => {
  backend = await startBackend({ version: VERSION });
  raw = await startRawBackend();
  strictBackend = await startBackend({ version: VERSION, motd: 'behind PROXY protocol' });
  strict = await startHeaderFront(strictBackend.port);
  proxy = await startProxy({
    global: 'receive_proxy_protocol = true\ntrusted_proxies = ["127.0.0.1/32"]',
    servers: {
      main: serverToml(['main.test'], [backend.port]),
      strict: serverToml(['strict.test'], [strict.port], 'send_proxy_protocol = true'),
      raw: serverToml(['raw.test', 'old.test'], [raw.port], 'send_proxy_protocol = true'),
    },
  });
  proxy.proxy.layers.events.on('test', 'ConnectionHandshake', (e) => void handshakes.push(e.conn));
  proxy.proxy.layers.transport.register('test', { id: 'test:seen', onAccept: (c) => (accepted.push({ remoteAddress: c.remoteAddress, remotePort: c.remotePort }), continueVerdict()) });
});

after(async () => {
  await proxy?.stop();
  await backend?.close();
  raw?.server.close();
  strict?.server.close();
  await strictBackend?.close();
});

function reset(): void {
  handshakes = [];
  accepted = [];
}

/** A raw TCP backend that keeps every byte it receives. */
function startRawBackend(): Promise<{ server: Server; port: number; received: Buffer[] }> {
  const received: Buffer[] = [];
  const server = createServer((s) => {
    s.on('error', () => undefined);
    s.on('data', (d) => received.push(d));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, received })));
}

/**
 * Requires a PROXY header first (recorded as `LOCAL` or `PROXY <address>`), then pipes the rest
 * to a real Minecraft server; a connection without a header is closed, as a backend with
 * proxy-protocol on does.
 */
function startHeaderFront(targetPort: number): Promise<{ server: Server; port: number; headers: string[] }> {
  const headers: string[] = [];
  const server = createServer((s) => {
    s.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      buffered = Buffer.concat([buffered, d]);
      let header;
      try {
        header = parseProxyHeader(buffered);
      } catch {
        headers.push('none');
        return void s.destroy();
      }
      if (header.kind === 'incomplete') return;
      s.off('data', onData);
      headers.push(header.command === 'LOCAL' ? 'LOCAL' : `PROXY ${header.source?.address}`);
      const upstream = connect(targetPort, '127.0.0.1');
      upstream.on('error', () => s.destroy());
      s.on('close', () => upstream.destroy());
      upstream.write(buffered.subarray(header.headerLength));
      s.pipe(upstream).pipe(s);
    };
    s.on('data', onData);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, headers })));
}

/** A socket to the proxy that starts with `header` (as a load balancer would send it). */
function viaBalancer(header: Buffer | string, localAddress?: string): Socket {
  const socket = connect({ port: proxy.port, host: '127.0.0.1', localAddress });
  socket.on('error', () => undefined);
  socket.write(header);
  return socket;
}

function joinVia(header: Buffer | string | null, username: string) {
  const extra = header === null ? {} : { stream: viaBalancer(header) };
  return join({ port: proxy.port, domain: 'main.test', version: VERSION, username, timeoutMs: 5000, extra });
}

function closed(socket: Socket, withinMs: number): Promise<{ closed: boolean; afterMs: number; bytes: number }> {
  const started = Date.now();
  let bytes = 0;
  socket.on('data', (d) => (bytes += d.length));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ closed: false, afterMs: Date.now() - started, bytes }), withinMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, afterMs: Date.now() - started, bytes });
    });
  });
}

const v2Header = (address: string, port: number): Buffer => encodeProxyV2({ source: { address, port }, destination: { address: '127.0.0.1', port: proxy.port } });

test('v1 from a trusted peer: the client address reaches transport filters and events', async (t) => {
  t.after(reset);
  await joinVia(`PROXY TCP4 203.0.113.7 127.0.0.1 40000 ${proxy.port}\r\n`, 'viaV1');
  assert.ok(backend.joined.includes('viaV1'));
  assert.deepEqual(accepted, [{ remoteAddress: '203.0.113.7', remotePort: 40000 }]);
  assert.deepEqual(handshakes.map((c) => [c.remoteAddress, c.remotePort]), [['203.0.113.7', 40000]]);
});

test('v2 (IPv6 client) from a trusted peer sets the address, seen in api.connections() while relayed', async (t) => {
  t.after(reset);
  const { client } = await join({ port: proxy.port, domain: 'main.test', version: VERSION, username: 'viaV2', keep: true, extra: { stream: viaBalancer(v2Header('2001:db8::7', 40001)) } });
  try {
    const live = [...proxy.api.connections()].find((c) => c.username === 'viaV2');
    assert.equal(live?.remoteAddress, '2001:db8::7');
    assert.deepEqual(handshakes.map((c) => c.remoteAddress), ['2001:db8::7']);
  } finally {
    client.end();
  }
});

test('v2 LOCAL (a health check) is accepted and keeps the peer address', async (t) => {
  t.after(reset);
  await joinVia(encodeProxyV2Local(), 'viaLocal');
  assert.ok(backend.joined.includes('viaLocal'));
  assert.deepEqual(handshakes.map((c) => c.remoteAddress), ['127.0.0.1']);
});

test('a header from a peer outside trusted_proxies is refused before anything sees it', async (t) => {
  t.after(reset);
  const socket = viaBalancer(`PROXY TCP4 203.0.113.9 127.0.0.1 40002 ${proxy.port}\r\n`, '127.0.0.2');
  socket.write(encodeHandshake({ protocolVersion: 769, address: 'main.test', port: 25565, nextState: 1 }));
  const r = await closed(socket, 2000);
  assert.deepEqual([r.closed, r.bytes], [true, 0]);
  assert.deepEqual([accepted, handshakes], [[], []]);
});

test('a connection without a header is closed, a real client included', async (t) => {
  t.after(reset);
  await assert.rejects(joinVia(null, 'noHeader'));
  const socket = viaBalancer(encodeHandshake({ protocolVersion: 769, address: 'main.test', port: 25565, nextState: 1 }));
  const r = await closed(socket, 2000);
  assert.deepEqual([r.closed, r.bytes], [true, 0]);
  assert.ok(!backend.joined.includes('noHeader'));
  assert.deepEqual([accepted, handshakes], [[], []]);
});

test('a slow header stalls nobody and is cut off after 5 s', async (t) => {
  t.after(reset);
  const slow = viaBalancer('PROXY TCP4 203.0.');
  const slowEnd = closed(slow, 8000);
  const started = Date.now();
  await joinVia(`PROXY TCP4 198.51.100.4 127.0.0.1 40003 ${proxy.port}\r\n`, 'fast');
  assert.ok(Date.now() - started < 3000, 'the other client joined at once');
  const r = await slowEnd;
  assert.ok(r.closed && r.afterMs > 4000, `slow header closed after ${r.afterMs} ms`);
  assert.deepEqual(handshakes.map((c) => c.remoteAddress), ['198.51.100.4']);
});

test('a v1 line ending in a bare LF is refused at once, not after the 5 s header timeout', async (t) => {
  t.after(reset);
  const line = `PROXY TCP4 198.51.100.9 127.0.0.1 40009 ${proxy.port}\n`;
  const socket = viaBalancer(Buffer.concat([Buffer.from(line), encodeHandshake({ protocolVersion: 769, address: 'main.test', port: 25565, nextState: 1 })]));
  const r = await closed(socket, 4000);
  assert.ok(r.closed && r.afterMs < 1000, `closed after ${r.afterMs} ms`);
  assert.equal(r.bytes, 0);
  assert.deepEqual([accepted, handshakes], [[], []]);
});

/** Waits until the raw backend holds `length` bytes (or 3 s), and returns them. */
async function rawBytes(length: number): Promise<Buffer> {
  const deadline = Date.now() + 3000;
  while (Buffer.concat(raw.received).length < length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return Buffer.concat(raw.received);
}

test('send_proxy_protocol: the backend gets a v2 header with the real client, then the exact bytes', async (t) => {
  t.after(() => (reset(), (raw.received.length = 0)));
  const clientBytes = Buffer.concat([
    encodeHandshake({ protocolVersion: 769, address: 'raw.test', port: 25565, nextState: 2 }),
    encodeLoginStart({ name: 'relayed', uuid: '00000000-0000-4000-8000-000000000001' }, 769),
  ]);
  const socket = viaBalancer(Buffer.concat([v2Header('203.0.113.50', 41000), clientBytes]));
  const expected = Buffer.concat([v2Header('203.0.113.50', 41000), clientBytes]);
  assert.deepEqual(await rawBytes(expected.length), expected);
  socket.destroy();
});

test('send_proxy_protocol also applies to pre-netty logins', async (t) => {
  t.after(() => (reset(), (raw.received.length = 0)));
  const port = Buffer.alloc(4);
  port.writeInt32BE(25565);
  const login = Buffer.concat([Buffer.from([0x02, 78]), utf16('Steve'), utf16('old.test'), port]);
  const socket = viaBalancer(Buffer.concat([Buffer.from(`PROXY TCP4 203.0.113.51 127.0.0.1 41001 ${proxy.port}\r\n`), login]));
  const expected = Buffer.concat([v2Header('203.0.113.51', 41001), login]);
  assert.deepEqual(await rawBytes(expected.length), expected);
  socket.destroy();
});

test('send_proxy_protocol: a backend that requires a header answers status pings (v2 LOCAL) and logins', async (t) => {
  t.after(() => (reset(), (strict.headers.length = 0)));
  const pinged = await pingVia(v2Header('203.0.113.60', 42000), 'strict.test');
  assert.equal(plainText(pinged.description), 'behind PROXY protocol');
  assert.deepEqual(strict.headers, ['LOCAL'], 'the cached status fetch is the proxy\'s own ping');
  await join({ port: proxy.port, domain: 'strict.test', version: VERSION, username: 'strictJoin', timeoutMs: 5000, extra: { stream: viaBalancer(v2Header('203.0.113.61', 42001)) } });
  assert.ok(strictBackend.joined.includes('strictJoin'));
  assert.deepEqual(strict.headers, ['LOCAL', 'PROXY 203.0.113.61']);
});

test('send_proxy_protocol also applies to pre-netty (1.6) pings relayed to the backend, with the real client', async (t) => {
  t.after(() => (reset(), (raw.received.length = 0)));
  const legacyPing = ping16('old.test', 25565);
  const socket = viaBalancer(Buffer.concat([Buffer.from(`PROXY TCP4 203.0.113.52 127.0.0.1 41002 ${proxy.port}\r\n`), legacyPing]));
  const expected = Buffer.concat([v2Header('203.0.113.52', 41002), legacyPing]);
  // This backend answers nothing, so the proxy then asks it for a modern status (LOCAL header).
  const got = await rawBytes(expected.length + 16);
  assert.deepEqual(got.subarray(0, expected.length), expected);
  assert.deepEqual(got.subarray(expected.length, expected.length + 16), encodeProxyV2Local());
  socket.destroy();
});

/** A real server-list ping through the balancer: the header goes out before the client's bytes. */
async function pingVia(header: Buffer, domain: string) {
  return ping(proxy.port, domain, VERSION, (socket) => socket.write(header));
}
