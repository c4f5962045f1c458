// Sink backend (its own process). Status handshakes (next state 1): answers the Status Request
// with a small status JSON, echoes the Ping as the Pong, then closes (a relay such as Infrarust
// may instead answer pings itself and only fetch the status from here, through its cache).
// Login handshakes: reads and discards the handshake + Login Start frames, then acts on the
// login name:
//   "bulkNNN"  reply one "go" byte, count NNN payload bytes, then reply one byte (throughput)
//   anything   reply one byte at once, then discard (connection rate, idle connections)
// The `intercepted` workload uses three more listeners (loginPorts), which speak a real 1.21.4
// login as a backend (Set Compression at the listener's threshold, -1 = none; Login Success;
// configuration; play) and then act on the login name: `bulk<KiB>x<packet KiB>` streams that
// many bytes of one pre-framed custom_payload packet; anything else gets one small play packet
// (a join). And a fake session server: GET …/hasJoined answers every name with its offline
// profile, so `client_only` logins verify without the client calling `join`.
import http from 'node:http';
import net from 'node:net';
import { offlineUuid } from '../../kernel/protocol/uuid.ts';
import { encodeLoginSuccess, encodeSetCompression } from '../../kernel/protocol/packets/login-success.ts';
import { encodeCompressed } from '../../kernel/protocol/compression.ts';
import { encodeFrame } from '../../kernel/protocol/packet-writer.ts';
import { FrameReader, PreambleReader, statusResponseFrame } from './mc.ts';
import { IDS, MC_PROTOCOL, PacketCodec, bulkPacket, bulkPackets, packet, parseBulkName } from './mc-login.ts';
import { serveRpc } from './ipc.ts';

const REPLY = Buffer.from([0x01]);
const GO = Buffer.from([0x02]);
let open = 0;
let accepted = 0;
let badPreamble = 0;
let statusServed = 0;
let pongs = 0;
const STATUS = statusResponseFrame(JSON.stringify({
  version: { name: 'bench-sink', protocol: 767 },
  players: { max: 100, online: 0, sample: [] },
  description: { text: 'Infrarust bench sink' },
  enforcesSecureChat: false,
}));

/** After the Status Response: echo each Ping frame back as the Pong, then close. */
function serveStatus(sock: net.Socket, rest: Buffer, onData: (c: Buffer) => void): void {
  statusServed++;
  sock.write(STATUS);
  const frames = new FrameReader();
  const feed = (chunk: Buffer) => {
    frames.push(chunk);
    let body;
    try {
      body = frames.next();
    } catch {
      sock.destroy();
      return;
    }
    if (!body) return;
    if (body[0] !== 0x01) {
      sock.destroy();
      return;
    }
    pongs++;
    const len = Buffer.from([body.length]); // ping bodies are 9 bytes: one-byte VarInt
    sock.end(Buffer.concat([len, body]));
  };
  sock.off('data', onData);
  sock.on('data', feed);
  if (rest.length) feed(rest);
}

const server = net.createServer({ noDelay: true }, (sock) => {
  open++;
  accepted++;
  sock.on('close', () => open--);
  sock.on('error', () => {});
  const reader = new PreambleReader();
  let expected = -1;
  let received = 0;
  let replied = false;

  const onPayload = (n: number) => {
    if (replied) return;
    received += n;
    if (received >= expected) {
      replied = true;
      sock.write(REPLY);
    }
  };

  sock.on('data', function onData(chunk: Buffer) {
    if (expected >= 0) {
      onPayload(chunk.length);
      return;
    }
    let got;
    try {
      got = reader.push(chunk);
    } catch {
      badPreamble++;
      sock.destroy();
      return;
    }
    if (!got) return;
    if (got.status) {
      expected = 0;
      replied = true;
      serveStatus(sock, got.rest, onData);
      return;
    }
    const m = /^bulk(\d+)$/.exec(got.name);
    expected = m ? Number(m[1]) : 0;
    // Bulk: say "go" first. Like a real Minecraft client, the sender waits for the server's
    // answer to Login Start before sending more, so no relay has to buffer pipelined data
    // while it connects to the backend.
    if (m) sock.write(GO);
    onPayload(got.rest.length);
  });
});

// ---- intercepted workload: a 1.21.4 backend ------------------------------------------------
let logins = 0;
let loginErrors = 0;
let firstLoginError: string | undefined;
let hasJoined = 0;
const frames = new Map<string, Buffer>();
const JOIN_DONE = packet(IDS.customPayloadCb, Buffer.from('\x0abench:done', 'latin1'));

/** The bulk packet framed for `threshold`, built once (the sink must not be what is measured). */
function bulkFrame(threshold: number, size: number): Buffer {
  const key = `${threshold}:${size}`;
  let f = frames.get(key);
  if (!f) frames.set(key, (f = threshold >= 0 ? encodeCompressed(bulkPacket(size), threshold) : encodeFrame(bulkPacket(size))));
  return f;
}

function loginServer(threshold: number): net.Server {
  return net.createServer({ noDelay: true }, (sock) => {
    open++;
    accepted++;
    sock.on('close', () => open--);
    sock.on('error', () => {});
    const reader = new PreambleReader();
    const codec = new PacketCodec();
    let step: 'preamble' | 'ack' | 'config' | 'play' = 'preamble';
    let name = '';
    const fail = (why: string) => {
      loginErrors++;
      firstLoginError ??= why;
      sock.destroy();
    };
    sock.on('data', (chunk: Buffer) => {
      try {
        if (step === 'preamble') {
          const got = reader.push(chunk);
          if (!got) return;
          if (got.status) return fail('status handshake on a login port');
          name = got.name;
          const out: Buffer[] = [];
          if (threshold >= 0) {
            out.push(codec.frame(encodeSetCompression(threshold)));
            codec.threshold = threshold;
          }
          out.push(codec.frame(encodeLoginSuccess({ uuid: offlineUuid(name), name, properties: [] }, MC_PROTOCOL)));
          sock.write(Buffer.concat(out));
          step = 'ack';
          chunk = got.rest;
        }
        codec.push(chunk);
        for (let p = codec.next(); p !== null; p = codec.next()) {
          if (step === 'ack') {
            if (p[0] !== IDS.loginAcknowledged) return fail(`expected Login Acknowledged, got 0x${p[0]!.toString(16)}`);
            sock.write(codec.frame(packet(IDS.finishConfigurationCb)));
            step = 'config';
          } else if (step === 'config') {
            if (p[0] !== IDS.finishConfigurationSb) return fail(`expected Acknowledge Finish Configuration, got 0x${p[0]!.toString(16)}`);
            step = 'play';
            logins++;
            const bulk = parseBulkName(name);
            if (bulk) stream(sock, bulkFrame(threshold, bulk.packetSize), bulkPackets(bulk.bytes, bulk.packetSize));
            else sock.write(codec.frame(JOIN_DONE));
          }
          // play: the client sends nothing more; anything is ignored.
        }
      } catch (e) {
        fail(e instanceof Error ? e.message : String(e));
      }
    });
  });
}

/** Writes `frame` `count` times, 16 per writev, waiting for drain. */
function stream(sock: net.Socket, frame: Buffer, count: number): void {
  let sent = 0;
  const pump = () => {
    while (sent < count && !sock.destroyed) {
      sock.cork();
      let ok = true;
      for (let i = 0; i < 16 && sent < count; i++, sent++) ok = sock.write(frame);
      sock.uncork();
      if (!ok) return void sock.once('drain', pump);
    }
  };
  pump();
}

const sessionServer = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const name = url.searchParams.get('username');
  if (!url.pathname.endsWith('/hasJoined') || !name || !url.searchParams.get('serverId')) return void res.writeHead(404).end();
  hasJoined++;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: offlineUuid(name).replace(/-/g, ''), name, properties: [] }));
});

const listen = (s: net.Server) => new Promise<number>((resolve) => s.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => resolve((s.address() as net.AddressInfo).port)));

void Promise.all([listen(server), listen(loginServer(-1)), listen(loginServer(256)), listen(loginServer(512)), listen(sessionServer as unknown as net.Server)]).then(([port, l0, l256, l512, session]) => {
  process.send!({ type: 'ready', port, loginPorts: { '-1': l0, '256': l256, '512': l512 }, sessionPort: session });
});

serveRpc({
  loginStats: () => ({ logins, loginErrors, firstLoginError, hasJoined }),
  cpu: () => process.cpuUsage(),
  stats: () => ({ open, accepted, badPreamble, statusServed, pongs }),
  /** Resolve once at most `max` sockets are open (or after timeoutMs). */
  waitOpenAtMost: async ({ max, timeoutMs }: { max: number; timeoutMs: number }) => {
    const end = Date.now() + timeoutMs;
    while (open > max && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    return { open };
  },
});
