#!/usr/bin/env node
/**
 * A managed server for the server-manager tests: a real minecraft-protocol server that behaves
 * like a vanilla one on its console. It prints `Done (…)! For help, type "help"` once it listens,
 * stops on `stop` from stdin (prints "Stopping the server", writes `stopped-gracefully` in its
 * working directory, exits 0). Argument 3 picks a misbehaviour: `crash-after-ready` (exits 1
 * 300 ms after the ready line), `crash-on-start` (exits 3 before listening), `never-ready` (never
 * prints the ready line), `ignore-stop` (does not react to `stop`), `slow-ready` (the ready line
 * 1.5 s after listening). Chat lines are logged (`<name> text`) and echoed back (`<motd> echo: text`).
 * Usage: node managed-mc-server.mjs <port> <motd> [mode]
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import mc from 'minecraft-protocol';

const [port, motd, mode = 'normal'] = process.argv.slice(2);
console.log(`Starting minecraft server version 1.21.4 (mode ${mode})`);
if (mode === 'crash-on-start') {
  console.error('Failed to bind to port: simulated');
  process.exit(3);
}
const server = mc.createServer({ host: '127.0.0.1', port: Number(port), version: '1.21.4', motd, 'online-mode': false, validateChannelProtocol: false, hideErrors: true });
const mcData = createRequire(import.meta.url)('minecraft-data')('1.21.4');
server.on('playerJoin', (client) => {
  client.write('login', mcData.loginPacket);
  console.log(`${client.username} joined the game`);
  // Chat is logged as vanilla does and echoed back, so a test can talk to the backend.
  client.on('chat_message', (p) => {
    console.log(`<${client.username}> ${p.message}`);
    client.write('system_chat', { content: { type: 'compound', name: '', value: { text: { type: 'string', value: `${motd} echo: ${p.message}` } } }, isActionBar: false });
  });
});
server.on('listening', () => {
  if (mode === 'slow-ready') setTimeout(() => console.log('Done (1.500s)! For help, type "help"'), 1_500);
  else if (mode !== 'never-ready') console.log('Done (0.421s)! For help, type "help"');
  if (mode === 'crash-after-ready') setTimeout(() => {
    console.error('java.lang.OutOfMemoryError: simulated');
    process.exit(1);
  }, 300);
});
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'stop' || mode === 'ignore-stop') return;
  console.log('Stopping the server');
  server.close();
  writeFileSync('stopped-gracefully', String(Date.now()));
  setTimeout(() => process.exit(0), 50);
});
