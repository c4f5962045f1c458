/** A backend that echoes, and a raw client relayed to it: a player who keeps a drain waiting. */
import { connect, createServer, type Socket } from 'node:net';
import { encodeHandshake } from '../../kernel/protocol/packets/handshake.ts';
import { encodeLoginStart } from '../../kernel/protocol/packets/login.ts';

/** A backend that swallows nothing: it echoes every byte, the login preamble included. */
export async function echoBackend(): Promise<{ port: number; close(): void }> {
  const server = createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

/** Logs in as `name` to `domain` through the proxy on `port` and waits for the relay (the echo). */
export async function openRelayed(port: number, domain: string, name = 'stayer'): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise((r) => socket.once('connect', r));
  socket.write(Buffer.concat([
    encodeHandshake({ protocolVersion: 769, address: domain, port: 25565, nextState: 2 }),
    encodeLoginStart({ name }, 769),
  ]));
  await new Promise((r) => socket.once('data', r));
  return socket;
}
