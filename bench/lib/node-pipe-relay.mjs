// The naive baseline: a plain Node TCP relay with socket.pipe() both ways, no parsing.
// Plain .mjs (no tsx loader) so its RSS and CPU are those of a bare Node process.
// Usage: node node-pipe-relay.mjs <targetPort>   (IPC channel required; reports its port)
import net from 'node:net';

const targetPort = Number(process.argv[2]);
const server = net.createServer((client) => {
  const upstream = net.connect(targetPort, '127.0.0.1');
  client.pipe(upstream);
  upstream.pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', close);
  upstream.on('close', close);
});
server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
  process.send?.({ type: 'ready', port: server.address().port });
});
process.on('disconnect', () => process.exit(0));
