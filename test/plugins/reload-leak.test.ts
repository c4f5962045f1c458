// Hot reload of a native plugin does not leak: 500 reloads of a ~100 KB plugin (edit → incremental
// rebuild → evaluate → setup), heap after GC at reload 50 vs 500, in a child process with
// --expose-gc. A control run that keeps every loaded version shows the measurement sees a leak.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/reload-leak-child.ts', import.meta.url));

interface Measurement {
  reloads: number;
  retained: number;
  bundleBytes: number;
  kbPerReload: number;
  msPerReloadP50: number;
  msPerReloadP95: number;
  msPerReloadMean: number;
}

function run(args: string[], timeoutMs: number): Promise<Measurement> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', child, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`child exited with ${code ?? signal}\n${out}\n${err}`));
        return;
      }
      resolvePromise(JSON.parse(line) as Measurement);
    });
  });
}

test('500 reloads of a ~100 KB plugin grow the heap by less than 5 KB per reload', { timeout: 60_000 }, async (t) => {
  const m = await run(['500', '50'], 50_000);
  t.diagnostic(`bundle ${m.bundleBytes} B; ${m.kbPerReload} KB/reload; reload p50 ${m.msPerReloadP50} ms, p95 ${m.msPerReloadP95} ms, mean ${m.msPerReloadMean} ms`);
  assert.ok(m.bundleBytes > 90_000, `plugin bundle is ~100 KB (${m.bundleBytes} B)`);
  assert.ok(m.kbPerReload < 5, `heap grew ${m.kbPerReload} KB per reload`);
});

test('control: keeping every version is seen as a leak', { timeout: 30_000 }, async (t) => {
  const m = await run(['100', '20', 'retain'], 25_000);
  t.diagnostic(`retaining: ${m.kbPerReload} KB/reload`);
  assert.ok(m.kbPerReload > 50, `retained versions should show (${m.kbPerReload} KB/reload)`);
});
