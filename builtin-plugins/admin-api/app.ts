/**
 * The HTTP application (Hono): per-client rate limit, CORS, body limit and bearer auth in front
 * of /api/v1, the JSON error envelope, /metrics from the metrics plugin's service (no key, as
 * Prometheus scrapes it), and the dashboard's static files at `/`.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { PluginContext } from 'infrarust/sdk';
import type {} from '../metrics/api.ts';
import { ApiError, errorBody } from './errors.ts';
import { bearerChecker, RateLimiter, type StreamTokens } from './guard.ts';
import { mount, openApi, type Route } from './routes.ts';
import { PLACEHOLDER_HTML, resolveStatic } from './static.ts';

export const API_PREFIX = '/api/v1';
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface AppOptions {
  ctx: PluginContext;
  key: string;
  requestsPerMinute: number;
  corsOrigins: readonly string[];
  routes: readonly Route[];
  tokens: StreamTokens;
  /** The dashboard's real root folder, undefined until it is built. */
  webRoot: () => string | undefined;
  webui: boolean;
}

/** Routes that take `?token=` (EventSource cannot send headers). */
const STREAMS = new Set([`${API_PREFIX}/events`, `${API_PREFIX}/logs`]);

const clientOf = (c: Context): string => {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
};

/**
 * An answer sent before the request body was read (401, 429, 413) closes the connection: Node
 * drops the unread rest and later closes the socket, and a client that put it back in its
 * keep-alive pool would send its next request into a closing socket.
 */
function closeIfBodyUnread(c: Context): void {
  const length = c.req.header('content-length');
  if ((length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined) c.header('Connection', 'close');
}

export function createApp(o: AppOptions): Hono {
  const app = new Hono();
  const limiter = new RateLimiter(o.requestsPerMinute);
  const authorized = bearerChecker(o.key);
  const open = new Set(o.routes.filter((r) => r.auth === false).map((r) => `${API_PREFIX}${r.path}`));
  open.add(`${API_PREFIX}/openapi.json`);

  app.onError(function apiError(err, c) {
    if (err instanceof ApiError) return c.json(errorBody(err.code, err.message), err.status as 400);
    o.ctx.log.error({ err, path: c.req.path }, 'admin API handler failed');
    return c.json(errorBody('IR_ERR_API_INTERNAL', 'internal error (logged)'), 500);
  });

  if (o.corsOrigins.length > 0) app.use(`${API_PREFIX}/*`, cors({ origin: [...o.corsOrigins], allowHeaders: ['Authorization', 'Content-Type'], maxAge: 600 }));
  app.use(`${API_PREFIX}/*`, async function rateLimit(c, next) {
    const d = limiter.take(clientOf(c));
    c.header('X-RateLimit-Limit', String(d.limit));
    c.header('X-RateLimit-Remaining', String(d.remaining));
    c.header('X-RateLimit-Reset', String(d.resetSeconds));
    if (!d.allowed) {
      closeIfBodyUnread(c);
      c.header('Retry-After', String(d.resetSeconds));
      return c.json(errorBody('IR_ERR_API_RATE_LIMITED', `more than ${d.limit} requests a minute; retry in ${d.resetSeconds} s`), 429);
    }
    await next();
  });
  app.use(`${API_PREFIX}/*`, async function auth(c, next) {
    if (open.has(c.req.path)) return next();
    const token = STREAMS.has(c.req.path) ? c.req.query('token') : undefined;
    if (authorized(c.req.header('authorization')) || (token !== undefined && o.tokens.redeem(token))) return next();
    closeIfBodyUnread(c);
    return c.json(errorBody('IR_ERR_API_UNAUTHORIZED', 'missing or wrong API key (Authorization: Bearer <api_key>)'), 401, { 'WWW-Authenticate': 'Bearer' });
  });
  app.use(
    `${API_PREFIX}/*`,
    bodyLimit({ maxSize: BODY_LIMIT_BYTES, onError: (c) => c.json(errorBody('IR_ERR_API_BODY_TOO_LARGE', `the body is larger than ${BODY_LIMIT_BYTES} bytes`), 413, { Connection: 'close' }) }),
  );

  const doc = openApi(o.routes, API_PREFIX, o.ctx.proxy.version);
  app.get(`${API_PREFIX}/openapi.json`, (c) => c.json(doc));
  mount(app, API_PREFIX, o.routes);
  app.all(`${API_PREFIX}/*`, (c) => c.json(errorBody('IR_ERR_API_NOT_FOUND', `no route ${c.req.method} ${c.req.path}`), 404));

  app.get('/metrics', async function metrics(c) {
    const m = o.ctx.services.get('metrics');
    if (m === undefined) return c.text('the metrics plugin is not loaded\n', 404);
    const { contentType, body } = await m.render();
    return c.body(body, 200, { 'Content-Type': contentType });
  });

  app.get('*', async function staticFile(c) {
    if (!o.webui) return c.text('Not found\n', 404);
    const root = o.webRoot();
    if (root === undefined) return c.req.path === '/' ? c.html(PLACEHOLDER_HTML) : c.text('Not found\n', 404);
    const file = await resolveStatic(root, c.req.path);
    if (file === undefined) return c.text('Not found\n', 404);
    return c.body(file.body as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': file.type,
      'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
  });
  return app;
}
