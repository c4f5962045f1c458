// Intercepted sessions against passthrough, side by side in one run (issue 11, "Bench").
// Every configuration is one Infrarust process, fresh for every round, pinned to the relay CPU;
// the client logs in for real (lib/mc-login.ts, 1.21.4) to the sink's 1.21.4 backend listeners,
// directly through the raw relay (passthrough) or through the proxy's own login (offline,
// client_only). Per configuration and round:
//   bulk   the sink streams `iBytes` of 32 KiB custom_payload play packets to the client, which
//          counts them (headers only); payload MiB/s, relay CPU-s per GiB of payload, and the
//          load side's CPU (client, sink) to show it is not the bottleneck;
//   joins  full logins to the first play packet and close, `concurrency` at a time; joins/s and
//          relay CPU ms per join.
// Each round also measures the raw per-core codec speeds (lib/codec-speed.ts: AES-128-CFB8,
// deflate/inflate of the bulk packet, the per-frame id peek), pinned to the relay CPU.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { MC_PROTOCOL } from '../lib/mc-login.ts';
import type { InfrarustSetup } from '../lib/paths.ts';
import { cpuSeconds, pinSplit, relayCpus, unpin } from '../lib/proc.ts';
import { GiB, MiB, rotate, type Ctx, type InterceptedResults, type InterceptedSamples } from '../lib/types.ts';

export interface InterceptedConfig {
  name: string;
  what: string;
  mode: 'passthrough' | 'offline' | 'client_only';
  /** compression_threshold towards the client (ignored by passthrough) */
  proxy: number;
  /** the sink backend's Set Compression threshold (-1: none) */
  sink: -1 | 256 | 512;
  /** re-compresses or encrypts every byte: a quarter of the bytes per sample */
  slow: boolean;
  env?: Record<string, string>;
}

export const INTERCEPTED_CONFIGS: InterceptedConfig[] = [
  { name: 'passthrough', what: 'passthrough (native splice relay when built, as shipped); the backend sends no Set Compression', mode: 'passthrough', proxy: -1, sink: -1, slow: false },
  { name: 'passthrough-js', what: 'passthrough with INFRARUST_RELAY=js (the JS relay instead of the native splice one)', mode: 'passthrough', proxy: -1, sink: -1, slow: false, env: { INFRARUST_RELAY: 'js' } },
  { name: 'offline', what: 'offline, compression off on both sides (compression_threshold = -1, no Set Compression from the backend)', mode: 'offline', proxy: -1, sink: -1, slow: false },
  { name: 'passthrough-z256', what: 'passthrough; the backend compresses at 256 (the client counts compressed frames, inflates nothing)', mode: 'passthrough', proxy: -1, sink: 256, slow: false },
  { name: 'offline-z256', what: 'offline, 256 towards the client, backend 256: frames pass as they arrived', mode: 'offline', proxy: 256, sink: 256, slow: false },
  { name: 'offline-z256/512', what: 'offline, 256 towards the client, backend 512: every frame inflated and deflated again', mode: 'offline', proxy: 256, sink: 512, slow: true },
  { name: 'client_only', what: 'client_only: AES-128-CFB8 towards the client, plain towards the backend, compression off on both sides', mode: 'client_only', proxy: -1, sink: -1, slow: true },
];

interface BulkResult { ms: number; packetBytes: number; wireBytes: number; frames: number; threshold: number; encrypted: boolean; clientCpuS: number }
interface JoinsResult { ms: number; ok: number; failed: number; firstError?: string; p50ms: number; p99ms: number; clientCpuS: number }
interface CodecSpeed { aesMiB: number; aesMiBs: number; packetSize: number; compressedSize: number; deflateMiBs: number; inflateMiBs: number; peekUs: number }

export async function intercepted(ctx: Ctx): Promise<void> {
  const { opts, client, sink, log } = ctx;
  const ports = ctx.sinkPorts;
  const chosen = INTERCEPTED_CONFIGS.filter((c) => !opts.iConfigs || opts.iConfigs.includes(c.name));
  if (!ports) throw new Error('the sink did not report its login ports');
  const res: InterceptedResults = (ctx.results.intercepted = {
    protocol: MC_PROTOCOL,
    packetSize: opts.packetKiB * 1024,
    configs: chosen.map((c) => ({ name: c.name, what: c.what })),
    samples: {},
    codec: { aesMiBs: [], aesMiB: 0, deflateMiBs: [], inflateMiBs: [], peekUs: [], compressedSize: null },
    pinning: null,
    errors: [],
  });
  const fail = (msg: string) => {
    res.errors.push(msg);
    log(`!! intercepted: ${msg}`);
  };
  const sinkPid = sink.child.pid!;
  const bulk = (port: number, c: InterceptedConfig, bytes: number) => {
    const timeoutMs = Math.max(30_000, Math.ceil(bytes / (4 * MiB)) * 1000);
    return client.call<BulkResult>('mcBulk', { port, kib: Math.round(bytes / 1024), packetKiB: opts.packetKiB, online: c.mode === 'client_only', timeoutMs }, timeoutMs + 5000);
  };
  const joins = (port: number, c: InterceptedConfig, count: number) =>
    client.call<JoinsResult>('mcJoins', { port, count, concurrency: opts.concurrency, perConnTimeoutMs: 15_000, online: c.mode === 'client_only' }, 300_000);
  const settle = () => sink.call('waitOpenAtMost', { max: 0, timeoutMs: 5000 }, 10_000);
  const setup = (c: InterceptedConfig): InfrarustSetup => ({
    label: c.name,
    topToml: `compression_threshold = ${c.proxy}\n`,
    globalToml: `\n[auth]\nsession_url = "http://127.0.0.1:${ports.session}/session/minecraft/hasJoined"\n`,
    env: c.env,
    serverToml: `domains = ["bench.local"]\naddresses = ["127.0.0.1:${ports.login[String(c.sink)]}"]\nproxy_mode = "${c.mode}"\n`,
    smoke: async (port) => {
      const r = await joins(port, c, 1);
      if (r.ok !== 1) throw new Error(`smoke login failed: ${r.firstError}`);
    },
  });

  const aesPerRound = Math.max(32, Math.round((opts.quick ? 64 : 512) / opts.rounds));
  res.codec.aesMiB = aesPerRound * opts.rounds;
  const dropped = new Set<string>();
  let pinned = false;
  try {
    for (let round = 0; round < opts.rounds; round++) {
      const speed = await codecSpeed(ctx.relays.repoRoot, aesPerRound, opts.packetKiB, opts.pin).catch((e: Error) => {
        fail(`codec speeds: ${e.message}`);
        return null;
      });
      if (speed) {
        res.codec.aesMiBs.push(speed.aesMiBs);
        res.codec.deflateMiBs.push(speed.deflateMiBs);
        res.codec.inflateMiBs.push(speed.inflateMiBs);
        res.codec.peekUs.push(speed.peekUs);
        res.codec.compressedSize = speed.compressedSize;
        log(`  intercepted r${round + 1} raw, one core: AES-128-CFB8 ${speed.aesMiBs.toFixed(1)} MiB/s; ${opts.packetKiB} KiB packet (${speed.compressedSize} B deflated): deflate ${speed.deflateMiBs.toFixed(0)}, inflate ${speed.inflateMiBs.toFixed(0)} MiB/s; id peek ${speed.peekUs.toFixed(1)} µs`);
      }
      for (const c of rotate(chosen, round)) {
        if (dropped.has(c.name)) continue;
        const relay = await ctx.relays.start('infrarust', 'intercepted', setup(c));
        if (!relay) {
          fail(`${c.name}: did not start: ${ctx.relays.profileErrors.get('intercepted') ?? 'unavailable'}`);
          dropped.add(c.name);
          continue;
        }
        try {
          if (opts.pin) {
            const how = pinSplit([relay.pid!], ctx.loadPids);
            pinned ||= how !== null;
            if (round === 0 && res.pinning === null) {
              res.pinning = how;
              log(`  intercepted CPU pinning: ${how ?? 'off (not possible here)'}; a fresh relay process per configuration and round`);
            }
          }
          const bytes = c.slow ? Math.max(16 * MiB, opts.iBytes / 4) : opts.iBytes;
          const count = c.mode === 'client_only' ? Math.max(100, Math.round(opts.joins / 10)) : opts.joins;
          // Warm-up (JIT, buffers, TCP windows, the authenticator's HTTP connection): not recorded.
          await bulk(relay.port, c, Math.min(bytes, (opts.quick ? 8 : 32) * MiB) / (c.slow ? 2 : 1));
          await joins(relay.port, c, Math.min(count, opts.quick ? 50 : 200));
          await settle();

          const s = (res.samples[c.name] ??= { mibs: [], cpu_s_per_gib: [], wire_ratio: [], client_cpu: [], sink_cpu: [], joins_per_s: [], cpu_ms_per_join: [], join_client_cpu: [], join_sink_cpu: [] } satisfies InterceptedSamples);
          const cpu0 = cpuSeconds(relay.pid!);
          const sink0 = cpuSeconds(sinkPid);
          const b = await bulk(relay.port, c, bytes);
          const cpu = cpuSeconds(relay.pid!) - cpu0;
          const sinkCpu = cpuSeconds(sinkPid) - sink0;
          await settle();
          const wall = b.ms / 1000;
          const mibs = b.packetBytes / MiB / wall;
          s.mibs.push(mibs);
          s.cpu_s_per_gib.push(cpu / (b.packetBytes / GiB));
          s.wire_ratio.push(b.wireBytes / b.packetBytes);
          s.client_cpu.push(b.clientCpuS / wall);
          s.sink_cpu.push(sinkCpu / wall);
          log(`  intercepted r${round + 1} ${c.name.padEnd(17)} ${mibs.toFixed(0).padStart(5)} MiB/s  relay CPU ${(cpu / (b.packetBytes / GiB)).toFixed(2)} s/GiB  ` +
            `(wire/payload ${(b.wireBytes / b.packetBytes).toFixed(2)}${b.encrypted ? ', encrypted' : ''}${b.threshold >= 0 ? `, client threshold ${b.threshold}` : ''}; load CPU: client ${(b.clientCpuS / wall).toFixed(2)}, sink ${(sinkCpu / wall).toFixed(2)})`);

          const j0 = cpuSeconds(relay.pid!);
          const js0 = cpuSeconds(sinkPid);
          const j = await joins(relay.port, c, count);
          const jcpu = cpuSeconds(relay.pid!) - j0;
          const jsink = cpuSeconds(sinkPid) - js0;
          await settle();
          if (j.failed) fail(`${c.name} round ${round + 1}: ${j.failed}/${count} joins failed (first: ${j.firstError})`);
          if (j.ok > 0) {
            const jps = j.ok / (j.ms / 1000);
            s.joins_per_s.push(jps);
            s.cpu_ms_per_join.push((jcpu * 1000) / j.ok);
            s.join_client_cpu.push(j.clientCpuS / (j.ms / 1000));
            s.join_sink_cpu.push(jsink / (j.ms / 1000));
            log(`  intercepted r${round + 1} ${c.name.padEnd(17)} ${jps.toFixed(0).padStart(5)} joins/s  relay CPU ${((jcpu * 1000) / j.ok).toFixed(2)} ms/join  p50 ${j.p50ms.toFixed(1)} ms  p99 ${j.p99ms.toFixed(1)} ms  ` +
              `(load CPU: client ${(j.clientCpuS / (j.ms / 1000)).toFixed(2)}, sink ${(jsink / (j.ms / 1000)).toFixed(2)})`);
          }
        } catch (e) {
          fail(`${c.name} round ${round + 1}: ${e instanceof Error ? e.message : String(e)}`);
          dropped.add(c.name);
        } finally {
          await relay.stop();
        }
      }
    }
  } finally {
    if (pinned) unpin(ctx.loadPids);
  }
}

/** lib/codec-speed.ts in its own process, pinned to the relays' CPU (via taskset) when pinning. */
async function codecSpeed(repoRoot: string, aesMiB: number, packetKiB: number, pin: boolean): Promise<CodecSpeed> {
  const args = ['--import', 'tsx', path.join(repoRoot, 'bench/lib/codec-speed.ts'), String(aesMiB), String(packetKiB)];
  const run = (cmd: string, argv: string[]) => promisify(execFile)(cmd, argv, { cwd: repoRoot, timeout: 120_000 });
  let out: { stdout: string };
  try {
    out = pin ? await run('taskset', ['-c', relayCpus(), process.execPath, ...args]) : await run(process.execPath, args);
  } catch (e) {
    if (!pin) throw e;
    out = await run(process.execPath, args); // no taskset here
  }
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as CodecSpeed;
}
