#!/usr/bin/env node
// Finds every *.test.ts under the source folders and runs them with node's test runner through tsx.
// Node 20's --test does not expand globs, so the list is built here; extra args pass through
// (e.g. `npm test -- --test-name-pattern=router`, or file paths to run only those files).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const roots = ['sdk', 'kernel', 'builtin-plugins', 'plugins', 'templates', 'test'];
const skip = new Set(['node_modules', '.work', 'fixtures']);

function walk(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (skip.has(name) || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const args = process.argv.slice(2);
const explicit = args.filter((a) => a.endsWith('.ts'));
const flags = args.filter((a) => !a.endsWith('.ts'));
const files = explicit.length > 0 ? explicit : roots.flatMap((r) => walk(join(root, r), [])).sort();
function run(list, env) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...flags, ...list], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  }).status ?? 1;
}

// The whole suite relays passthrough connections natively when native/splice is built; the
// relay's end-to-end files run a second time on the JS relay, the reference implementation
// (test/e2e/relay.test.ts covers both itself).
const JS_RELAY_PASS = ['passthrough-forwarding', 'legacy-login', 'proxy-protocol', 'limits', 'login-versions', 'routing']
  .map((name) => join('test', 'e2e', `${name}.test.ts`));

const status = run(files, {});
if (explicit.length > 0 || process.env.INFRARUST_RELAY === 'js') process.exit(status);
console.log('\n# again on the JS relay (INFRARUST_RELAY=js): ' + JS_RELAY_PASS.join(' '));
const jsStatus = run(JS_RELAY_PASS, { INFRARUST_RELAY: 'js' });
process.exit(status !== 0 ? status : jsStatus);
