/**
 * The session server's `hasJoined` call (Mojang's, or any Yggdrasil server speaking the same
 * API): GET `<session_url>?username=&serverId=[&ip=]`. 200 with a profile means the client
 * called `join` with the same server hash; 204 (or any other "no") means it did not. Every
 * outcome is a value: an unreachable, slow or garbled server is a failure with a reason for the
 * player and a `detail` for the log, never an exception.
 */
import { z } from 'zod';
import type { AuthOutcome, AuthRequest, GameProfile } from '../../sdk/index.ts';
import type { AuthSettings } from './options.ts';
import { dashedUuid } from './uuid.ts';

/** What the player reads. The first two are vanilla's own wording. */
export const REASONS = {
  unverified: 'Failed to verify username!',
  down: 'Authentication servers are down. Please try again later, sorry!',
  timeout: 'The authentication server did not answer in time; try again.',
  stopped: 'Authentication was interrupted (the proxy is reloading); try again.',
} as const;

/** A profile with a skin and a cape is about 2 KiB; anything far larger is not a profile. */
export const MAX_BODY_BYTES = 256 * 1024;

/** Login Success carries the name as a protocol string of at most 16 characters. */
const ProfileSchema = z.object({
  id: z.string().refine((id) => dashedUuid(id) !== undefined, { message: 'not a UUID' }),
  name: z.string().min(1).max(16),
  properties: z.array(z.object({ name: z.string().min(1), value: z.string(), signature: z.string().optional() })).default([]),
});

export interface Verdict {
  readonly outcome: AuthOutcome;
  /** For the log: what went wrong (HTTP status, timeout, parse problem); never the query. */
  readonly detail?: string;
}

export interface SessionClient {
  hasJoined(request: AuthRequest): Promise<Verdict>;
  /** Requests in flight (they end when they settle, time out, or `stopped` aborts them). */
  readonly pending: number;
}

const fail = (reason: string, detail: string): Verdict => ({ outcome: { ok: false, reason }, detail });

/**
 * A client for one `[auth]` setting. `stopped` (the plugin's unload signal) aborts every request
 * in flight; it is listened to once here, not once per request.
 */
export function sessionClient(settings: AuthSettings, stopped: AbortSignal): SessionClient {
  const inflight = new Set<AbortController>();
  stopped.addEventListener('abort', function abortInflightLogins() {
    for (const controller of inflight) controller.abort();
  }, { once: true });

  async function hasJoined(request: AuthRequest): Promise<Verdict> {
    if (stopped.aborted) return fail(REASONS.stopped, 'the plugin is unloading');
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => ((timedOut = true), controller.abort()), settings.timeout);
    timer.unref();
    inflight.add(controller);
    try {
      return await ask(hasJoinedUrl(settings, request), controller.signal);
    } catch (err) {
      if (timedOut) return fail(REASONS.timeout, `no answer within ${settings.timeout} ms`);
      if (stopped.aborted) return fail(REASONS.stopped, 'the plugin unloaded during the request');
      return fail(REASONS.down, `request failed: ${describe(err)}`);
    } finally {
      clearTimeout(timer);
      inflight.delete(controller);
    }
  }

  return {
    hasJoined,
    get pending() {
      return inflight.size;
    },
  };
}

/** `session_url` with the query vanilla sends; `ip` only with prevent_proxy_connections. */
export function hasJoinedUrl(settings: AuthSettings, request: AuthRequest): URL {
  const url = new URL(settings.session_url);
  url.searchParams.set('username', request.username);
  url.searchParams.set('serverId', request.serverHash);
  if (settings.prevent_proxy_connections) url.searchParams.set('ip', plainAddress(request.remoteAddress));
  return url;
}

/** `::ffff:1.2.3.4` → `1.2.3.4`: the session server saw the client's `join` over IPv4. */
function plainAddress(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

async function ask(url: URL, signal: AbortSignal): Promise<Verdict> {
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (res.status !== 200) {
    await res.body?.cancel();
    return answerOf(res.status);
  }
  const text = await readCapped(res, MAX_BODY_BYTES);
  if (text === undefined) return fail(REASONS.down, `the answer is larger than ${MAX_BODY_BYTES} bytes`);
  if (text.trim() === '') return fail(REASONS.unverified, 'HTTP 200 with an empty body');
  return profileOf(text);
}

/**
 * A status other than 200. 204 (and other 2xx, 4xx) is "not joined", as vanilla reads it; 429
 * (the proxy is rate limited) and 5xx are the servers' trouble, not the player's.
 */
function answerOf(status: number): Verdict {
  if (status === 429 || status >= 500) return fail(REASONS.down, `HTTP ${status}`);
  return fail(REASONS.unverified, `HTTP ${status}`);
}

function profileOf(text: string): Verdict {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail(REASONS.down, 'the answer is not JSON');
  }
  const parsed = ProfileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(REASONS.down, `the answer is not a profile: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  const { id, name, properties } = parsed.data;
  const profile: GameProfile = Object.freeze({
    uuid: dashedUuid(id)!,
    name,
    properties: Object.freeze(properties.map((p) => Object.freeze(p.signature === undefined ? { name: p.name, value: p.value } : { ...p }))),
  });
  return { outcome: { ok: true, profile } };
}

/** The body as text, or undefined once it passes `max` bytes (the rest is not read). */
async function readCapped(res: Response, max: number): Promise<string | undefined> {
  if (Number(res.headers.get('content-length') ?? 0) > max) {
    await res.body?.cancel();
    return undefined;
  }
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND...). */
function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err);
}
