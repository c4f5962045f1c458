// pre_route_memory_mb: 2,000 connections (from 100 addresses, under max_pre_route_per_ip) each
// send ~64 KiB of a frame that never completes. With the default budget (16 MiB) the proxy holds
// at most that beyond each connection's 2 KiB, closes the connections it cannot cover, a real
// player joins meanwhile, and after everything closes the accounting is back to zero.
// Measured in this process (proxy, attacker and player together), without the budget the same
// attack grew RSS by ~137 MB and arrayBuffers by ~122 MB; with it, ~50-60 MB and ~40-50 MB
// (the budget, the allowances, and read buffers of refused connections awaiting GC).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { writeVarInt } from '../../kernel/protocol/varint.ts';
import { PRE_ROUTE_ALLOWANCE } from '../../kernel/net/pre-route-guard.ts';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const VERSION = '1.21.4';
const MB = 1024 * 1024;
const BUDGET = 16 * MB; // the default
const CONNECTIONS = 2000;
const ADDRESSES = 100;
let backend: Backend;
let proxy: Harness;

before(async () => {
  backend = await startBackend({ version: VERSION });
  proxy = await startProxy({ servers: { main: serverToml(['main.test'], [backend.port]) } });
});

after(async () => {
  await proxy?.stop();
  await backend?.close();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('2,000 connections sending 64 KiB each: the budget bounds memory and a player still joins', { timeout: 20_000 }, async () => {
  await join({ port: proxy.port, domain: 'main.test', version: VERSION, username: 'warmup' });
  await sleep(200);
  gc();
  gc();
  const base = process.memoryUsage();

  // A frame announcing 65,000 bytes (under the 64 KiB per-connection limit), 64,000 of them sent.
  const payload = Buffer.concat([writeVarInt(65_000), Buffer.alloc(64_000 - 3, 0x41)]);
  const sockets: Socket[] = [];
  let closedByProxy = 0;
  const peak = { rss: 0, arrayBuffers: 0, budgetUsed: 0, bufferedBytes: 0 };
  const sample = (): void => {
    const m = process.memoryUsage();
    const s = proxy.proxy.preRouteStats();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
    peak.budgetUsed = Math.max(peak.budgetUsed, s.budgetUsed);
    peak.bufferedBytes = Math.max(peak.bufferedBytes, s.bufferedBytes);
  };
  const sampler = setInterval(sample, 20);
  let player: Promise<unknown> | undefined;
  try {
    for (let batch = 0; batch < CONNECTIONS / 100; batch++) {
      if (batch === CONNECTIONS / 200) player = join({ port: proxy.port, domain: 'main.test', version: VERSION, username: 'during_flood', timeoutMs: 8000 });
      await Promise.all(Array.from({ length: 100 }, (_, i) => new Promise<void>((resolve) => {
        const s = connect({ port: proxy.port, host: '127.0.0.1', localAddress: `127.0.1.${1 + ((batch * 100 + i) % ADDRESSES)}` });
        s.on('error', () => undefined);
        s.once('close', () => void closedByProxy++);
        s.once('connect', () => {
          s.write(payload);
          resolve();
        });
        sockets.push(s);
      })));
    }
    await player;
    await sleep(500); // the last writes arrive
    sample();
  } finally {
    clearInterval(sampler);
  }
  const report = {
    rssGrowthMB: +((peak.rss - base.rss) / MB).toFixed(1),
    arrayBuffersGrowthMB: +((peak.arrayBuffers - base.arrayBuffers) / MB).toFixed(1),
    peakBudgetMB: +(peak.budgetUsed / MB).toFixed(1),
    peakBufferedMB: +(peak.bufferedBytes / MB).toFixed(1),
    closedByProxy,
    stillPending: proxy.proxy.preRouteStats().connections,
  };
  console.log(`# pre-route memory: ${JSON.stringify(report)}`);

  assert.ok(backend.joined.includes('during_flood'), 'the player joined during the flood');
  assert.ok(peak.budgetUsed <= BUDGET, 'never more than the budget drawn');
  assert.ok(peak.bufferedBytes <= BUDGET + (CONNECTIONS + 1) * PRE_ROUTE_ALLOWANCE, 'never more than budget + allowances held');
  assert.ok(closedByProxy > CONNECTIONS / 2, `only ${closedByProxy} connections were refused`);
  assert.ok(report.stillPending > 0 && report.stillPending < CONNECTIONS / 4, `${report.stillPending} still pending`);
  // Generous bounds; without the budget the growth is ~137 MB RSS, ~122 MB arrayBuffers.
  assert.ok(report.arrayBuffersGrowthMB < 90, `arrayBuffers grew by ${report.arrayBuffersGrowthMB} MB`);
  assert.ok(report.rssGrowthMB < 100, `RSS grew by ${report.rssGrowthMB} MB`);

  for (const s of sockets) s.destroy();
  const deadline = Date.now() + 3000;
  while (proxy.proxy.preRouteStats().connections > 0 && Date.now() < deadline) await sleep(20);
  assert.deepEqual(proxy.proxy.preRouteStats(), { connections: 0, addresses: 0, bufferedBytes: 0, budgetUsed: 0 });
});
