#!/usr/bin/env node
// Builds the addon with node-gyp against the headers of the Node that runs this script
// (<prefix>/include/node): never downloads headers, so an offline machine builds or fails fast.
// A failed build is not an install failure: the proxy then runs on its JS relay and says why
// (`infrarust --version`, startup log). INFRARUST_SPLICE_STRICT=1 makes a failure fatal.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nodedir = dirname(dirname(process.execPath));

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath && join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(nodedir, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return undefined;
  }
}

function fail(reason) {
  console.warn(`infrarust-splice: native relay not built (${reason}); Infrarust will use its JS relay`);
  process.exit(process.env.INFRARUST_SPLICE_STRICT === '1' ? 1 : 0);
}

if (process.platform !== 'linux') fail(`splice(2) is Linux-only, this is ${process.platform}`);
if (!existsSync(join(nodedir, 'include', 'node', 'node_api.h'))) fail(`no Node headers under ${join(nodedir, 'include', 'node')}`);
const gyp = nodeGyp();
if (gyp === undefined) fail('node-gyp not found');
const result = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--jobs=2'], { cwd: here, stdio: 'inherit' });
if (result.status !== 0) fail(`node-gyp exited with ${result.status ?? result.signal}`);
