// Server switch latency (issue 13): how long an intercepted player waits between typing
// `/server <name>` and being in play on the other server, against the alternative a player has
// without switching, leaving and joining the other server's address again (a fresh login through
// the same proxy). Both side by side in one run, alternating, per client era:
//   1.8.8   the new server's Join Game with the dimension flip (before 1.20.2)
//   1.21.4  back through the configuration state (1.20.2+)
// The proxy runs as users run it (bin/infrarust.mjs, its own process); the two backends
// (minecraft-protocol servers, offline mode) and the clients (minecraft-protocol) share this one.
//
//   node --import tsx bench/switch.ts [--switches 40] [--versions 1.8.8,1.21.4]
//
// "switch": from writing the command to the client's next play login packet (1.8.8: the new Join
// Game or its Respawn; 1.21.4: the Join Game after the new configuration).
// "rejoin": from ending the client to the new client's first play login packet.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../test/helpers/backend.ts';
import { join } from '../test/helpers/client.ts';
import { cpuSeconds, freePort, installExitHandlers, stopChild, track, waitForPort } from './lib/proc.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}
const SWITCHES = Number(arg('switches', '40'));
const VERSIONS = arg('versions', '1.8.8,1.21.4').split(',');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

/** The client's next play login (or, before 1.16, the Respawn that follows it). */
function nextPlay(client: mc.Client, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no play login within 15 s')), timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      client.removeListener('login', done);
      client.removeListener('respawn', done);
      resolve();
    };
    client.once('login', done);
    client.once('respawn', done);
  });
}

async function measure(version: string, port: number, servers: [string, string]): Promise<{ switch: number[]; rejoin: number[] }> {
  const out = { switch: [] as number[], rejoin: [] as number[] };
  const username = `Sw${version.replace(/\./g, '')}`.slice(0, 16);
  let { client } = await join({ port, domain: `${servers[0]}.bench`, version, username, keep: true });
  let on = 0;
  for (let i = 0; i < SWITCHES; i++) {
    const next = 1 - on;
    if (i % 2 === 0) {
      const arrived = nextPlay(client);
      const t0 = performance.now();
      client.chat(`/server ${servers[next]}`);
      await arrived;
      out.switch.push(performance.now() - t0);
    } else {
      const t0 = performance.now();
      client.end('rejoin');
      client = (await join({ port, domain: `${servers[next]}.bench`, version, username, keep: true })).client;
      out.rejoin.push(performance.now() - t0);
    }
    on = next;
    await new Promise((r) => setTimeout(r, 150)); // let the old backend connection close
  }
  client.end('done');
  return out;
}

async function main(): Promise<void> {
  installExitHandlers();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-switch-'));
  const rows: string[] = [];
  try {
    mkdirSync(path.join(dir, 'servers'));
    const backends: Backend[] = [];
    const files: string[] = [];
    for (const version of VERSIONS) {
      const v = version.replace(/\./g, '_');
      for (const name of ['lobby', 'game']) {
        const b = await startBackend({ version });
        backends.push(b);
        files.push(`${name}-${v}`);
        writeFileSync(path.join(dir, 'servers', `${name}-${v}.toml`), `domains = ["${name}-${v}.bench"]\naddresses = ["127.0.0.1:${b.port}"]\nproxy_mode = "offline"\n`);
      }
    }
    const port = await freePort();
    writeFileSync(
      path.join(dir, 'infrarust.toml'),
      `bind = "127.0.0.1:${port}"\nservers_dir = "servers"\nmax_pre_route_per_ip = 0\n\n[rate_limit]\nenabled = false\n\n[permissions]\nplayer_commands = ["server"]\n`,
    );
    const proxy = track(spawn(process.execPath, [path.join(REPO, 'bin/infrarust.mjs'), '-c', path.join(dir, 'infrarust.toml'), '-l', 'warn'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] }));
    await waitForPort(port, proxy, 20_000);
    for (const version of VERSIONS) {
      const v = version.replace(/\./g, '_');
      const cpu0 = cpuSeconds(proxy.pid!);
      const r = await measure(version, port, [`lobby-${v}`, `game-${v}`]);
      const cpu = cpuSeconds(proxy.pid!) - cpu0;
      const ms = (x: number): string => x.toFixed(1);
      rows.push(
        `| ${version} | ${ms(median(r.switch))} (p90 ${ms(pct(r.switch, 0.9))}) | ${ms(median(r.rejoin))} (p90 ${ms(pct(r.rejoin, 0.9))}) | ${(median(r.switch) / median(r.rejoin)).toFixed(2)} | ${((cpu * 1000) / SWITCHES).toFixed(1)} |`,
      );
    }
    await stopChild(proxy);
    for (const b of backends) await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nswitch vs rejoin, ${SWITCHES / 2} of each per version, alternating (ms, median and p90)\n`);
  console.log('| client | switch (`/server`) | rejoin (new login) | switch / rejoin | proxy CPU ms per move |');
  console.log('|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
