// The floor of bench/limbo.ts: the least a Node process can do to hold N TCP connections. Accepts,
// answers one byte to the first data (the client then counts the connection as held), keeps the
// socket. Listens on 127.0.0.1:$1, prints "ready" on stdout; exits when its parent goes away
// (stdin closes) or after $2 seconds at most.
import net from 'node:net';

const port = Number(process.argv[2]);
const maxSeconds = Number(process.argv[3] ?? 900);
const held = new Set();
const server = net.createServer((s) => {
  held.add(s);
  s.on('error', () => undefined);
  s.on('close', () => held.delete(s));
  s.once('data', () => s.write(Buffer.from([1])));
  s.on('data', () => undefined);
});
server.maxConnections = 1 << 30;
server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => process.stdout.write('ready\n'));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
setTimeout(() => process.exit(0), maxSeconds * 1000).unref();
