// Sink backend (its own process). Status handshakes (next state 1): answers the Status Request
// with a small status JSON, echoes the Ping as the Pong, then closes (a relay such as Infrarust
// may instead answer pings itself and only fetch the status from here, through its cache).
// Login handshakes: reads and discards the handshake + Login Start frames, then acts on the
// login name:
//   "bulkNNN"  reply one "go" byte, count NNN payload bytes, then reply one byte (throughput)
//   anything   reply one byte at once, then discard (connection rate, idle connections)
import net from 'node:net';
import { FrameReader, PreambleReader, statusResponseFrame } from './mc.ts';
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

server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
  const addr = server.address() as net.AddressInfo;
  process.send!({ type: 'ready', port: addr.port });
});

serveRpc({
  stats: () => ({ open, accepted, badPreamble, statusServed, pongs }),
  /** Resolve once at most `max` sockets are open (or after timeoutMs). */
  waitOpenAtMost: async ({ max, timeoutMs }: { max: number; timeoutMs: number }) => {
    const end = Date.now() + timeoutMs;
    while (open > max && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    return { open };
  },
});
