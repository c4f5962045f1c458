// Intercepted sessions end to end, for every era of the protocol: a real minecraft-protocol client
// joins a real minecraft-protocol backend through the proxy in `offline` and in `client_only`
// (against a local session server), reaches play, chat passes both ways intact (the backend
// answers the player's line), and a 1 MiB
// plugin message arrives byte for byte. The proxy compresses towards clients at 100 bytes while
// the backends compress at 256 (vanilla's default), so every frame is re-framed between sides.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { startSessionServer, type SessionServer } from '../helpers/session-server.ts';
import { nextChat, onPlayerChat, sendSystemChat } from '../helpers/play-peer.ts';

const VERSIONS = (process.env.VERSIONS ?? '1.8.8,1.12.2,1.16.5,1.20.1,1.20.4,1.21.4,1.21.11,26.1').split(',');
const BIG = randomBytes(1024 * 1024);
const BIG_HASH = createHash('sha256').update(BIG).digest('hex');

interface Peer { backend: Backend; lines: string[] }
const peers = new Map<string, Peer>();
let session: SessionServer;
let proxy: Harness;

const slug = (v: string): string => v.replace(/\./g, '_');

before(async () => {
  const profiles = new Map(VERSIONS.map((v, i) => [`token-${v}`, { id: `0f8fad5b-d9cb-469f-a165-7086772895${String(i).padStart(2, '0')}`, name: `On${slug(v)}` }]));
  session = await startSessionServer(profiles);
  const servers: Record<string, string> = {};
  for (const version of VERSIONS) {
    const backend = await startBackend({ version });
    const peer: Peer = { backend, lines: [] };
    backend.server.on('playerJoin', (client: mc.ServerClient) => {
      onPlayerChat(client, (line) => {
        peer.lines.push(line);
        if (line.startsWith('hello from')) sendSystemChat(client, `welcome ${client.username}`);
        if (line === 'big please') client.write('custom_payload', { channel: 'infrarust:big', data: BIG });
      });
    });
    peers.set(version, peer);
    servers[`off-${slug(version)}`] = serverToml([`off.${version}.test`], [backend.port], 'proxy_mode = "offline"');
    servers[`on-${slug(version)}`] = serverToml([`on.${version}.test`], [backend.port], 'proxy_mode = "client_only"');
  }
  proxy = await startProxy({
    servers,
    builtins: ['mojang-auth'],
    global: `compression_threshold = 100\n[auth]\nsession_url = "${session.url}/session/minecraft/hasJoined"\n`,
  });
});

after(async () => {
  await proxy?.stop();
  for (const p of peers.values()) await p.backend.close();
  await session?.close();
});

function onlineOptions(version: string): Record<string, unknown> {
  const i = VERSIONS.indexOf(version);
  return {
    auth: 'mojang',
    session: { accessToken: `token-${version}`, clientToken: 'client', selectedProfile: { id: `0f8fad5b-d9cb-469f-a165-7086772895${String(i).padStart(2, '0')}`.replace(/-/g, ''), name: `On${slug(version)}` } },
    skipValidation: true,
    profilesFolder: false,
    sessionServer: session.url,
  };
}

async function play(client: mc.Client, peer: Peer, username: string): Promise<void> {
  const welcome = nextChat(client, 'welcome');
  client.chat(`hello from ${username}`);
  assert.equal(await welcome, `welcome ${username}`);
  const bigArrives = new Promise<string>((resolve) => {
    client.on('custom_payload', (p: { channel: string; data: Buffer }) => {
      if (p.channel === 'infrarust:big') resolve(createHash('sha256').update(p.data).digest('hex'));
    });
  });
  client.chat('big please');
  assert.equal(await bigArrives, BIG_HASH, 'the 1 MiB plugin message arrived intact');
  assert.ok(peer.lines.includes(`hello from ${username}`), `backend got the chat line (got ${JSON.stringify(peer.lines)})`);
}

for (const version of VERSIONS) {
  test(`offline ${version}: joins, chats both ways, gets a 1 MiB packet`, async () => {
    const username = `Off${slug(version)}`;
    const { client } = await join({ port: proxy.port, domain: `off.${version}.test`, version, username, keep: true });
    try {
      await play(client, peers.get(version)!, username);
    } finally {
      client.end();
    }
  });

  test(`client_only ${version}: authenticated at the proxy, joins, chats both ways`, async () => {
    const username = `On${slug(version)}`;
    const { client } = await join({ port: proxy.port, domain: `on.${version}.test`, version, username, keep: true, extra: onlineOptions(version) });
    try {
      await play(client, peers.get(version)!, username);
      assert.ok(session.joins.some((j) => j.name === username), 'the client joined through the session server');
    } finally {
      client.end();
    }
  });
}

// 1.7.10 (protocol 5): no compression, short-prefixed byte arrays in the encryption handshake,
// a dashed string UUID in Login Success. Its plugin messages are capped at 32 KiB, so only the join.
test('offline and client_only 1.7.10: join and reach play', async () => {
  const backend = await startBackend({ version: '1.7' });
  const local = await startProxy({
    servers: {
      off: serverToml(['off.test'], [backend.port], 'proxy_mode = "offline"'),
      on: serverToml(['on.test'], [backend.port], 'proxy_mode = "client_only"'),
    },
    builtins: ['mojang-auth'],
    global: `[auth]\nsession_url = "${session.url}/session/minecraft/hasJoined"\n`,
  });
  try {
    await join({ port: local.port, domain: 'off.test', version: '1.7', username: 'Old17' });
    await join({ port: local.port, domain: 'on.test', version: '1.7', username: 'On1_8_8', extra: onlineOptions('1.8.8') });
    assert.deepEqual(backend.joined, ['Old17', 'On1_8_8']);
  } finally {
    await local.stop();
    await backend.close();
  }
});
