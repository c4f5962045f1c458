/**
 * The route table: each route declares its zod schemas once; `mount` validates requests with them
 * and `openApi` documents them (z.toJSONSchema), so the OpenAPI document cannot drift from what
 * the handlers accept.
 */
import type { Context, Hono } from 'hono';
import { z, type ZodType } from 'zod';
import { ApiError, describeIssues } from './errors.ts';

export type Method = 'get' | 'post' | 'put' | 'delete';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  c: Context;
}

export interface Route<P = any, Q = any, B = any> {
  method: Method;
  /** Hono path under /api/v1, e.g. `/players/:id/kick`. */
  path: string;
  summary: string;
  tag: string;
  /** False only for /health and /openapi.json. */
  auth?: boolean;
  params?: ZodType<P>;
  query?: ZodType<Q>;
  body?: ZodType<B>;
  /** The 2xx answer's schema, for the document only. */
  response?: ZodType;
  /** Status of a successful answer (default 200). */
  status?: 200 | 201 | 202 | 204;
  handler(input: RouteInput<P, Q, B>): unknown | Promise<unknown>;
}

/** Typed identity: infers the route's input types from its schemas. */
export function route<P, Q, B>(r: Route<P, Q, B>): Route<P, Q, B> {
  return r;
}

/** Deepest nesting a JSON body may have: anything deeper is refused before zod walks it. */
const MAX_JSON_DEPTH = 32;

function parse<T>(schema: ZodType<T> | undefined, value: unknown, where: string): T {
  if (schema === undefined) return undefined as T;
  const r = schema.safeParse(value);
  if (!r.success) throw new ApiError('IR_ERR_API_INVALID_REQUEST', describeIssues(where, r.error.issues));
  return r.data;
}

export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > max) max = d;
    if (max > MAX_JSON_DEPTH) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

async function readBody(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  const text = await c.req.text();
  if (text.length === 0) return undefined;
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new ApiError('IR_ERR_API_UNSUPPORTED_MEDIA', 'the body must be JSON (Content-Type: application/json)');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError('IR_ERR_API_INVALID_REQUEST', `body: not valid JSON (${(err as Error).message})`);
  }
  if (jsonDepth(value) > MAX_JSON_DEPTH) throw new ApiError('IR_ERR_API_INVALID_REQUEST', `body: nested deeper than ${MAX_JSON_DEPTH} levels`);
  return value;
}

/**
 * Registers every route on `app` under `prefix`. With `checkResponses` (the e2e tests set
 * INFRARUST_API_CHECK_RESPONSES=1) each answer is also parsed with the route's response schema,
 * so the OpenAPI document is proven against what handlers really return; a mismatch is a 500.
 */
export function mount(app: Hono, prefix: string, routes: readonly Route[], checkResponses = process.env.INFRARUST_API_CHECK_RESPONSES === '1'): void {
  for (const r of routes) {
    app[r.method](prefix + r.path, async function apiRoute(c) {
      const params = parse(r.params, c.req.param(), 'path');
      const query = parse(r.query, c.req.query(), 'query');
      const body = r.body === undefined ? undefined : parse(r.body, (await readBody(c)) ?? {}, 'body');
      const out = await r.handler({ params, query, body, c });
      if (out instanceof Response) return out;
      if (checkResponses && r.response !== undefined) {
        const checked = r.response.safeParse(out);
        if (!checked.success) throw new Error(`${r.method.toUpperCase()} ${r.path}: the answer does not match its documented schema: ${describeIssues('response', checked.error.issues)}`);
      }
      if (r.status === 204) return c.body(null, 204);
      return c.json(out as object, r.status ?? 200);
    });
  }
}

const ErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const toJson = (s: ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;

function parameters(schema: ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (schema === undefined) return [];
  const json = toJson(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s }));
}

/** The OpenAPI 3.1 document of `routes`. */
export function openApi(routes: readonly Route[], prefix: string, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = prefix + r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      responses: {
        [String(r.status ?? 200)]: { description: 'OK', ...(r.response ? { content: { 'application/json': { schema: toJson(r.response, 'output') } } } : {}) },
        default: { description: 'Error', content: { 'application/json': { schema: toJson(ErrorSchema, 'output') } } },
      },
      security: r.auth === false ? [] : [{ bearer: [] }],
    };
    if (r.body !== undefined) op.requestBody = { required: true, content: { 'application/json': { schema: toJson(r.body, 'input') } } };
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Infrarust admin API', version },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
