/**
 * The admin API from the browser: the key in sessionStorage (never in a URL or localStorage),
 * sent as a bearer header; errors as ApiError with the API's code and message. Shapes mirror
 * the routes in ../../routes-*.ts (the OpenAPI document at /api/v1/openapi.json has them too).
 */
const KEY_ITEM = 'infrarust.api_key';
export const API = '/api/v1';

export interface Player {
  connection_id: number;
  username: string;
  uuid: string | null;
  server: string | null;
  mode: 'passthrough' | 'intercepted' | 'unknown';
  verified: boolean;
  protocol_version: number;
  remote_address: string;
}

export interface Health {
  address: string;
  weight: number;
  healthy: boolean;
  connections: number;
  reason: string;
}

export interface Server {
  id: string;
  domains: string[];
  addresses: string[];
  proxy_mode: string;
  balance: string | null;
  connections: number;
  players: number;
  state: string | null;
  managed: { type: string; since: number; last_error: string | null } | null;
  health: Health[];
}

export type BanType = 'ip' | 'ip_range' | 'username' | 'uuid';
/** As bans.json stores it: times in epoch seconds. */
export interface Ban {
  target: { type: BanType; value: string };
  reason: string | null;
  expires_at: number | null;
  created_at: number;
  source: string;
}

export interface PluginRow {
  id: string;
  version: string;
  source: string;
  state: string;
  error: string | null;
}

export interface Stats {
  time: number;
  uptime_ms: number;
  players_online: number;
  players_by_server: Record<string, number>;
  connections: number;
  connections_by_phase: Record<string, number>;
  servers: number;
  joins_total: number;
  leaves_total: number;
  switches_total: number;
  pings_total?: number;
  rejected_total: number;
  rejected_by_reason: Record<string, number>;
  memory: { rss: number; heap_used: number };
}

export interface ProxyInfo {
  version: string;
  uptime_ms: number;
  players_online: number;
  connections: number;
  servers: number;
  pid: number;
  node: string;
}

export interface FeedEvent {
  id: number;
  type: string;
  time: number;
  data: Record<string, unknown>;
}

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
export interface LogLine {
  time: number;
  level: Level;
  msg: string;
  plugin?: string;
  fields: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let key: string | undefined = sessionStorage.getItem(KEY_ITEM) ?? undefined;
const signedOut = new Set<() => void>();

export const hasKey = (): boolean => key !== undefined;

/** Keeps the key for this tab only (sessionStorage), after the API accepted it. */
export async function signIn(candidate: string): Promise<ProxyInfo> {
  key = candidate;
  try {
    const info = await call<ProxyInfo>('GET', '/proxy');
    sessionStorage.setItem(KEY_ITEM, candidate);
    return info;
  } catch (err) {
    key = undefined;
    throw err;
  }
}

export function signOut(): void {
  key = undefined;
  sessionStorage.removeItem(KEY_ITEM);
  for (const f of signedOut) f();
}

export function onSignOut(f: () => void): () => void {
  signedOut.add(f);
  return () => signedOut.delete(f);
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (key !== undefined) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The proxy did not answer. Is it running?');
  }
  const text = await res.text();
  const json = text === '' ? undefined : safeJson(text);
  if (res.ok) return json as T;
  const error = (json as { error?: { code: string; message: string } } | undefined)?.error;
  if (res.status === 401 && key !== undefined && path !== '/proxy') signOut();
  if (res.status === 429) {
    const wait = res.headers.get('Retry-After');
    throw new ApiError(429, error?.code ?? 'RATE_LIMITED', `Too many requests: the API allows a limited number a minute${wait ? `; retry in ${wait} s` : ''}.`);
  }
  throw new ApiError(res.status, error?.code ?? `HTTP_${res.status}`, error?.message ?? `${res.status} ${res.statusText}`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const get = <T>(path: string) => call<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => call<T>('POST', path, body ?? {});
export const del = <T>(path: string) => call<T>('DELETE', path);

/** A URL for an EventSource: a short-lived token from the API, never the key itself. */
export async function streamUrl(path: '/events' | '/logs', query: Record<string, string> = {}): Promise<string> {
  const { token } = await post<{ token: string }>('/events/token');
  return `${API}${path}?${new URLSearchParams({ ...query, token })}`;
}

export const enc = encodeURIComponent;
