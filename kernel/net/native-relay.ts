/**
 * The native passthrough relay (native/splice, an optional N-API addon): one epoll thread dials
 * the backend (non-blocking connects tried in order, each within the connect timeout), sends the
 * client's replayed bytes, then moves bytes socket → pipe → socket with splice(2), with relay.ts's
 * semantics (half-close, backpressure bounded by one pipe per direction, the 30 s linger bound,
 * an error closes both).
 *
 * Ownership: the addon works on a dup of the client's fd and on the backend socket it opened
 * itself. While it dials, the client's net.Socket keeps its fd (read-stopped), so a failed dial
 * leaves JS a working socket for the Login Disconnect. Once the backend answered, the socket's
 * handle is closed (the fd goes; the addon's dup keeps the connection open): a relayed connection
 * holds 2 fds. The net.Socket object stays, without a handle, because its 'close' drives the
 * connection's lifecycle (Disconnect, max_connections, the player registry): it is destroyed here
 * when the addon reports the end, and destroying it first (a kick, shutdown) tells the addon to
 * close its side.
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { getSystemErrorName } from 'node:util';

/** relay.ts's linger bound, applied by the addon. */
const LINGER_MS = 30_000;
/**
 * Bytes per splice pipe (F_SETPIPE_SZ; the kernel's default is 64 KiB). 256 KiB measured +5–9 %
 * bulk throughput and 2–21 % less CPU per GiB than 64 KiB in 6 of 7 A/B runs (bench/RESULTS.md).
 * The addon enlarges at most 64 pipes at a time (the per-user pipe page budget); the rest keep 64 KiB.
 */
const PIPE_SIZE = 256 * 1024;
/** Where node-gyp puts the addon (native/splice/install.mjs runs it on `npm install`). */
export const NATIVE_RELAY_PATH = fileURLToPath(new URL('../../native/splice/build/Release/infrarust_splice.node', import.meta.url));

const EVENT_END = 0;
const EVENT_CONNECTED = 1;

interface Addon {
  init(onEvent: (event: number, id: number, a: number | number[], b?: number | number[], c?: number, d?: number) => void, options: { lingerMs: number; pipeSize: number }): void;
  dial(clientFd: number, targets: (string | number)[], timeoutMs: number, keepAliveS: number, replays: Buffer[]): number;
  abort(id: number): void;
  stats(): { active: number; pipesInUse: number };
}

/** Why a native relay ended (the addon's enum relay_end). */
export const END_REASONS = ['closed', 'error', 'linger', 'aborted'] as const;
export type NativeEnd = { up: number; down: number; reason: (typeof END_REASONS)[number]; errno: number };

export type NativeLoad = { ok: true; path: string } | { ok: false; reason: string };

/** An address the addon dials: an IP literal (names are resolved before). */
export interface NativeTarget {
  ip: string;
  port: number;
}

/**
 * What a native dial reports, once: `connected` (the relay runs; `errors` are the error codes of
 * the targets tried before, e.g. 'ECONNREFUSED', 'ETIMEDOUT' for the connect timeout) or `failed`
 * (one code per target; the client socket is untouched and reading again). Never called when the
 * client socket was destroyed first. One handler object serves every connection: `token` is the
 * connection's own state, so a dial allocates no closure.
 */
export interface NativeDialHandler<T> {
  connected(token: T, index: number, errors: string[]): void;
  failed(token: T, errors: string[]): void;
}

interface Live {
  client: Socket;
  token: unknown;
  handler: NativeDialHandler<unknown> | undefined;
}

let addon: Addon | undefined;
let loaded: NativeLoad | undefined;
/** Relays in flight: id → the client socket (and, while dialling, who to tell). */
const live = new Map<number, Live>();
const kRelayId = Symbol('nativeRelayId');
let onEndHook: ((client: Socket, end: NativeEnd) => void) | undefined;
const totals = { relays: 0, up: 0, down: 0 };

/** Loads the addon once; says why not when it cannot (never throws). */
export function loadNativeRelay(path = NATIVE_RELAY_PATH): NativeLoad {
  if (loaded !== undefined) return loaded;
  if (process.platform !== 'linux') return (loaded = { ok: false, reason: `splice(2) is Linux-only (${process.platform})` });
  try {
    const candidate = createRequire(import.meta.url)(path) as Addon;
    if (typeof candidate.dial !== 'function') throw new Error('an older build without dial(): run npm run build:native');
    candidate.init(onEvent, { lingerMs: LINGER_MS, pipeSize: PIPE_SIZE });
    addon = candidate;
    return (loaded = { ok: true, path });
  } catch (err) {
    const message = (err as Error).message.split('\n')[0] ?? String(err);
    const code = (err as NodeJS.ErrnoException).code;
    return (loaded = { ok: false, reason: code === 'MODULE_NOT_FOUND' ? `not built (${path} missing)` : `failed to load: ${message}` });
  }
}

/**
 * Hands the client to the addon, which dials `targets` in order (each within `timeoutMs`; TCP
 * keepalive after `keepAliveMs` when given, as the JS dial sets it), sends `replays[i]` (or
 * `replays[0]` for every target) to the one that answers, then relays. Bytes Node already read
 * from the client follow the replay. False (nothing changed) when the addon is absent or the
 * socket cannot be handed over; the caller then dials in JS.
 */
export function nativeDial<T>(client: Socket, targets: readonly NativeTarget[], timeoutMs: number, keepAliveMs: number | undefined, replays: Buffer[], token: T, handler: NativeDialHandler<T>): boolean {
  if (addon === undefined || targets.length === 0 || targets.length > 64) return false;
  const clientFd = fdOf(client);
  if (clientFd < 0 || client.writableLength > 0) return false;
  const fromClient = takeOver(client);
  const sent = fromClient === undefined ? replays : replays.map((r) => Buffer.concat([r, fromClient]));
  const flat: (string | number)[] = [];
  for (const t of targets) flat.push(t.ip, t.port);
  const keepAliveS = keepAliveMs === undefined ? -1 : Math.floor(keepAliveMs / 1000);
  const id = addon.dial(clientFd, flat, timeoutMs, keepAliveS, sent);
  if (id < 0) {
    readAgain(client);
    handler.failed(token, targets.map(() => errorCode(-id)));
    return true;
  }
  (client as unknown as Record<symbol, number>)[kRelayId] = id;
  live.set(id, { client, token, handler: handler as NativeDialHandler<unknown> });
  client.once('close', abortOnClose);
  return true;
}

/** Relays in flight in the addon, and the pipes they hold (idle relays hold none). */
export function nativeRelayStats(): { active: number; pipesInUse: number; tracked: number } & typeof totals {
  const s = addon?.stats() ?? { active: 0, pipesInUse: 0 };
  return { ...s, tracked: live.size, ...totals };
}

/** Lets the caller hear every end (per-connection byte counts); one hook for the process. */
export function onNativeRelayEnd(hook: ((client: Socket, end: NativeEnd) => void) | undefined): void {
  onEndHook = hook;
}

function onEvent(event: number, id: number, a: number | number[], b?: number | number[], c?: number, d?: number): void {
  const entry = live.get(id);
  if (event === EVENT_END) return relayEnded(id, entry, a as number, b as number, c ?? 1, d ?? 0);
  if (entry === undefined) return; // the client socket closed first and asked for the abort
  const handler = entry.handler!;
  const token = entry.token;
  entry.handler = entry.token = undefined;
  if (event === EVENT_CONNECTED && !entry.client.writableEnded) {
    releaseHandle(entry.client);
    return handler.connected(token, a as number, (b as number[]).map(errorCode));
  }
  // No backend answered, or one did after the client was sent away (a kick while dialling).
  if (event === EVENT_CONNECTED) addon!.abort(id);
  live.delete(id);
  entry.client.removeListener('close', abortOnClose);
  delete (entry.client as unknown as Record<symbol, number | undefined>)[kRelayId];
  readAgain(entry.client); // the client's FIN after the Login Disconnect closes it
  handler.failed(token, event === EVENT_CONNECTED ? ['ECONNABORTED'] : (a as number[]).map(errorCode));
}

function relayEnded(id: number, entry: Live | undefined, up: number, down: number, reason: number, errno: number): void {
  totals.relays++;
  totals.up += up;
  totals.down += down;
  if (entry === undefined) return;
  live.delete(id);
  onEndHook?.(entry.client, { up, down, reason: END_REASONS[reason] ?? 'error', errno });
  entry.client.destroy();
}

function abortOnClose(this: Socket): void {
  const id = (this as unknown as Record<symbol, number | undefined>)[kRelayId];
  if (id === undefined || !live.delete(id)) return;
  addon?.abort(id);
}

function errorCode(errno: number): string {
  try {
    return getSystemErrorName(-errno);
  } catch {
    return `errno ${errno}`;
  }
}

type Handle = { fd?: number; readStart(): number; readStop(): number; reading: boolean; close(): void };

/** The socket's fd (Linux TCP handles expose it), or -1. */
function fdOf(socket: Socket): number {
  const fd = (socket as unknown as { _handle?: Handle })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}

/**
 * Stops Node reading the socket for good and returns what it had read but nobody consumed.
 * read() may restart the handle's reading, so the handle is stopped after the buffer is empty;
 * no I/O callback runs in between, so nothing more reaches JS.
 */
function takeOver(socket: Socket): Buffer | undefined {
  socket.pause();
  const chunks: Buffer[] = [];
  for (let chunk = socket.read() as Buffer | null; chunk !== null; chunk = socket.read() as Buffer | null) chunks.push(chunk);
  const handle = (socket as unknown as { _handle: Handle })._handle;
  handle.readStop();
  handle.reading = false;
  return chunks.length === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

/** Undoes takeOver: the handle reads again (what is read is dropped: nobody listens for data). */
function readAgain(socket: Socket): void {
  const handle = (socket as unknown as { _handle: Handle | null })._handle;
  if (handle !== null && !handle.reading) {
    handle.reading = true;
    handle.readStart();
  }
  socket.resume();
}

/**
 * Closes the socket's handle (its fd and libuv/TCPWrap state) and leaves the net.Socket without
 * one: the addon's dup keeps the connection open, and a later destroy() only emits 'close'.
 */
function releaseHandle(socket: Socket): void {
  const s = socket as unknown as { _handle: Handle | null };
  const handle = s._handle;
  if (handle === null) return;
  s._handle = null;
  handle.close();
}
