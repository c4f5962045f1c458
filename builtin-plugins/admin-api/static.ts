/**
 * The dashboard's files: `dashboard/dist/` beside this plugin (built by the dashboard's own
 * build). Paths are decoded once, normalised, and must stay inside the root after symlinks are
 * resolved; anything else is a 404, never a file outside. Unknown paths without an extension get
 * index.html (the SPA's client-side routes). Until a dashboard is built, `/` says so.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export const PLACEHOLDER_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Infrarust</title></head>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;padding:0 1rem">
<h1>Infrarust admin API</h1><p>The web dashboard is not built yet. The REST API is served under
<code>/api/v1</code>; its OpenAPI document is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p></body></html>`;

export interface StaticFile {
  body: Uint8Array;
  type: string;
  /** Hashed asset names can be cached for long; index.html must not be. */
  immutable: boolean;
}

/** The file for a URL path, or undefined (404). `root` must be an absolute, real path. */
export async function resolveStatic(root: string, urlPath: string): Promise<StaticFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const rel = normalize(`/${decoded}`).slice(1);
  if (rel.split('/').includes('..')) return undefined;
  const file = rel === '' ? join(root, 'index.html') : join(root, rel);
  const found = await inside(root, file);
  if (found !== undefined) return found;
  // Client-side routes (/players, /servers/lobby) get the app's index.
  return extname(rel) === '' ? inside(root, join(root, 'index.html')) : undefined;
}

async function inside(root: string, file: string): Promise<StaticFile | undefined> {
  try {
    const real = await realpath(file);
    if (real !== root && !real.startsWith(root + sep)) return undefined;
    if (!(await stat(real)).isFile()) return undefined;
    const ext = extname(real);
    return { body: await readFile(real), type: TYPES[ext] ?? 'application/octet-stream', immutable: real.includes(`${sep}assets${sep}`) };
  } catch {
    return undefined;
  }
}

/** The real path of the dashboard root, or undefined when it is not built. */
export async function dashboardRoot(dir: string): Promise<string | undefined> {
  try {
    const real = await realpath(dir);
    await stat(join(real, 'index.html'));
    return real;
  } catch {
    return undefined;
  }
}
