// Sink backend (its own process). Reads and discards the handshake + Login Start frames,
// then acts on the login name:
//   "bulkNNN"  reply one "go" byte, count NNN payload bytes, then reply one byte (throughput)
//   anything   reply one byte at once, then discard (connection rate, idle connections)
import net from 'node:net';
import { PreambleReader } from './mc.ts';
import { serveRpc } from './ipc.ts';

const REPLY = Buffer.from([0x01]);
const GO = Buffer.from([0x02]);
let open = 0;
let accepted = 0;
let badPreamble = 0;

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
  stats: () => ({ open, accepted, badPreamble }),
  /** Resolve once at most `max` sockets are open (or after timeoutMs). */
  waitOpenAtMost: async ({ max, timeoutMs }: { max: number; timeoutMs: number }) => {
    const end = Date.now() + timeoutMs;
    while (open > max && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    return { open };
  },
});
