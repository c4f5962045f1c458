/**
 * The supervisor of a local managed server, run as `node -e <SUPERVISOR_SCRIPT>` (its spec in the
 * environment variable INFRARUST_SUPERVISOR_SPEC, not in argv, which every local user can read) in its
 * own process group (so a Ctrl-C at the proxy's terminal reaches the proxy, which stops servers in
 * order, and not the servers themselves). It starts the server with the proxy's pipes relayed,
 * holds a pid file in the working directory while the server runs, and exists for one case: the
 * proxy dying without stopping it (SIGKILL, OOM). Its stdin is a pipe from the proxy, so EOF means
 * the proxy is gone: it then stops the server as the proxy would — the stop command on the
 * server's stdin, SIGKILL after the shutdown timeout — and drains the server's output meanwhile
 * so the server never blocks on a full pipe. SIGTERM from the proxy means "kill it now" (the proxy
 * already waited its shutdown timeout). Exit code: the server's, 128+signal when it was killed,
 * 75 when another copy holds the pid file, 127 when the command cannot start.
 *
 * Plain JavaScript in a string: the proxy bundles this plugin, so the script has no file path of
 * its own to hand to node.
 */
export const SUPERVISOR_SCRIPT = String.raw`
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const cfg = JSON.parse(process.env.INFRARUST_SUPERVISOR_SPEC);
const childEnv = { ...process.env };
delete childEnv.INFRARUST_SUPERVISOR_SPEC;
if (cfg.nodeOptions !== undefined) childEnv.NODE_OPTIONS = cfg.nodeOptions;
let parentGone = false, stopping = false, child;
const say = (line) => { if (!parentGone) try { process.stderr.write('[supervisor] ' + line + '\n'); } catch {} };
for (const s of [process.stdout, process.stderr]) s.on('error', () => { parentGone = true; });
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
function alive(pid) { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } }
try {
  fs.writeFileSync(cfg.lockFile, String(process.pid), { flag: 'wx' });
} catch (e) {
  const other = Number(fs.readFileSync(cfg.lockFile, 'utf8'));
  if (Number.isInteger(other) && other > 0 && other !== process.pid && alive(other)) { say('another copy runs here (supervisor pid ' + other + ')'); process.exit(75); }
  fs.writeFileSync(cfg.lockFile, String(process.pid));
}
const unlock = () => { try { if (fs.readFileSync(cfg.lockFile, 'utf8') === String(process.pid)) fs.unlinkSync(cfg.lockFile); } catch {} };
try {
  child = spawn(cfg.command, cfg.args, { cwd: cfg.cwd, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
} catch (e) { say('cannot start ' + cfg.command + ': ' + e.message); unlock(); process.exit(127); }
child.on('error', (e) => { say('cannot start ' + cfg.command + ': ' + e.message); unlock(); process.exit(127); });
child.stdin.on('error', () => {});
child.stdout.on('data', (d) => { if (!parentGone) process.stdout.write(d); });
child.stderr.on('data', (d) => { if (!parentGone) process.stderr.write(d); });
process.stdin.on('data', (d) => child.stdin.write(d));
process.stdin.on('end', parentDied);
process.stdin.on('error', parentDied);
function parentDied() {
  if (parentGone && stopping) return;
  parentGone = true;
  if (stopping) return;
  stopping = true;
  try { child.stdin.write(cfg.stopCommand + '\n'); } catch {}
  setTimeout(() => child.kill('SIGKILL'), cfg.shutdownTimeoutMs).unref();
}
process.on('SIGTERM', () => { stopping = true; child.kill('SIGKILL'); });
child.on('exit', (code, signal) => {
  unlock();
  process.exit(code !== null ? code : 128 + (os.constants.signals[signal] || 0));
});
`;
