// Preloaded (`node --expose-gc --import …/limbo-probe.mjs`) into the processes bench/limbo.ts
// measures: the Infrarust proxy and the raw floor server. Idle until the harness writes a command
// to $LIMBO_PROBE_DIR/cmd.json and sends SIGUSR2; the answer goes to $LIMBO_PROBE_DIR/out.json
// (written to a temp name, then renamed). Commands:
//   { id, op: 'mem', gc }            full GC first when gc and --expose-gc; process.memoryUsage()
//                                    and V8's heap statistics
//   { id, op: 'snapshot', file }     v8.writeHeapSnapshot(file) (it runs a full GC itself)
//   { id, op: 'prof-start' }         V8 CPU profiler on (inspector session in this process)
//   { id, op: 'prof-stop', file }    profiler off, the .cpuprofile written to file
// The process also stops by itself: when its parent (the harness) is gone (checked every 5 s) and
// after $LIMBO_PROBE_MAX_S seconds at most.
// Plain JS (no tsx): the floor server must not carry a TypeScript loader.
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';
import v8 from 'node:v8';

const dir = process.env.LIMBO_PROBE_DIR;
let session;

function reply(out) {
  const tmp = path.join(dir, `out.${process.pid}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(out));
  fs.renameSync(tmp, path.join(dir, 'out.json'));
}

function post(method, params = {}) {
  return new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
}

async function run(cmd) {
  const out = { id: cmd.id, op: cmd.op };
  if (cmd.op === 'mem') {
    if (cmd.gc && typeof globalThis.gc === 'function') {
      globalThis.gc();
      out.gc = true;
    }
    out.mem = process.memoryUsage();
    const h = v8.getHeapStatistics();
    out.heap = { total_heap_size: h.total_heap_size, used_heap_size: h.used_heap_size, malloced_memory: h.malloced_memory, external_memory: h.external_memory };
    out.spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]));
  } else if (cmd.op === 'snapshot') {
    out.file = v8.writeHeapSnapshot(cmd.file);
  } else if (cmd.op === 'prof-start') {
    session = new inspector.Session();
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 1000 });
    await post('Profiler.start');
  } else if (cmd.op === 'prof-stop') {
    const { profile } = await post('Profiler.stop');
    fs.writeFileSync(cmd.file, JSON.stringify(profile));
    session.disconnect();
    session = undefined;
    out.file = cmd.file;
  }
  return out;
}

if (dir) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 5000).unref();
  const maxS = Number(process.env.LIMBO_PROBE_MAX_S);
  if (maxS > 0) setTimeout(() => process.exit(0), maxS * 1000).unref();
  process.on('SIGUSR2', () => {
    let cmd;
    try {
      cmd = JSON.parse(fs.readFileSync(path.join(dir, 'cmd.json'), 'utf8'));
    } catch {
      return;
    }
    run(cmd).then(reply, (err) => reply({ id: cmd.id, op: cmd.op, error: String(err?.stack ?? err) }));
  });
}
