// What the metrics plugin adds to one connection, measured without sockets: its transport
// filter's onAccept/onClose and its ConnectionHandshake and ServerConnected listeners, called the
// way the kernel calls them, for status pings and for logins, against the same calls with no
// listener. Deterministic enough to read on a busy machine, unlike the socket workload.
// Prints one JSON line: ns per ping and per login, plugin on and off.
//   node --import tsx bench/lib/metrics-hook-cost.ts [iterations]
import { testContext } from '../../kernel/testing/plugin-test-kit.ts';
import metrics from '../../builtin-plugins/metrics/index.ts';

const N = Math.max(1000, Number(process.argv[2] ?? 200_000));

async function harness(on: boolean) {
  const t = testContext({}, { id: 'metrics' }, { config: on ? { telemetry: { enabled: false, metrics_bind: undefined }, web: { enable_api: true } } : {} });
  await metrics.setup(t.ctx as never);
  return t;
}

async function perConnection(on: boolean, login: boolean): Promise<number> {
  const t = await harness(on);
  const filters = t.transportFilters;
  const conn = { connectionId: 0, remoteAddress: '127.0.0.1', remotePort: 40000, localPort: 25565 };
  const player = { connectionId: 0, username: 'bench', remoteAddress: '127.0.0.1', protocolVersion: 767 };
  const run = async (count: number) => {
    for (let i = 0; i < count; i++) {
      conn.connectionId = player.connectionId = i;
      for (const f of filters) f.onAccept?.(conn);
      await t.fire('ConnectionHandshake', { conn, domain: 'bench.local', serverId: 'bench', protocolVersion: 767, intent: login ? 'login' : 'status' });
      if (login) await t.fire('ServerConnected', { player, serverId: 'bench', backend: '127.0.0.1:9' });
      for (const f of filters) f.onClose?.(conn);
    }
  };
  await run(N / 10);
  const best: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    await run(N);
    best.push(Number(process.hrtime.bigint() - t0) / N);
  }
  t.unload();
  return Math.min(...best);
}

const out = {
  ping_ns: { on: await perConnection(true, false), off: await perConnection(false, false) },
  login_ns: { on: await perConnection(true, true), off: await perConnection(false, true) },
};
console.log(JSON.stringify(out));
