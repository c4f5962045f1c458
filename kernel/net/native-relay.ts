/**
 * The native passthrough relay (native/splice, an optional N-API addon): after the login start
 * the two sockets' fds go to one epoll thread that moves bytes socket → pipe → socket with
 * splice(2), with relay.ts's semantics (half-close, backpressure bounded by one pipe per
 * direction, the 30 s linger bound, an error closes both).
 *
 * Ownership: the addon works on dups of both fds. The backend's net.Socket is destroyed at once
 * (nothing in the kernel watches it); the client's stays, read-stopped, because its 'close' drives
 * the connection's lifecycle (Disconnect, max_connections, the player registry). When the addon
 * reports an end, the client socket is destroyed here; when the client socket is destroyed
 * first (a kick, shutdown), the addon is told to close its copies.
 */
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

/** relay.ts's linger bound, applied by the addon. */
const LINGER_MS = 30_000;
/** Where node-gyp puts the addon (native/splice/install.mjs runs it on `npm install`). */
export const NATIVE_RELAY_PATH = fileURLToPath(new URL('../../native/splice/build/Release/infrarust_splice.node', import.meta.url));

interface Addon {
  init(onEnd: (id: number, up: number, down: number, reason: number, errno: number) => void, options: { lingerMs: number; pipeSize: number }): void;
  start(clientFd: number, backendFd: number, toBackend?: Buffer, toClient?: Buffer): number;
  abort(id: number): void;
  stats(): { active: number; pipesInUse: number };
}

/** Why a native relay ended (the addon's enum relay_end). */
export const END_REASONS = ['closed', 'error', 'linger', 'aborted'] as const;
export type NativeEnd = { up: number; down: number; reason: (typeof END_REASONS)[number]; errno: number };

export type NativeLoad = { ok: true; path: string } | { ok: false; reason: string };

let addon: Addon | undefined;
let loaded: NativeLoad | undefined;
/** Relays in flight: id → client socket (the one object kept per connection). */
const live = new Map<number, Socket>();
const kRelayId = Symbol('nativeRelayId');
let onEndHook: ((client: Socket, end: NativeEnd) => void) | undefined;
const totals = { relays: 0, up: 0, down: 0 };

/** Loads the addon once; says why not when it cannot (never throws). */
export function loadNativeRelay(path = NATIVE_RELAY_PATH): NativeLoad {
  if (loaded !== undefined) return loaded;
  if (process.platform !== 'linux') return (loaded = { ok: false, reason: `splice(2) is Linux-only (${process.platform})` });
  try {
    const candidate = createRequire(import.meta.url)(path) as Addon;
    candidate.init(relayEnded, { lingerMs: LINGER_MS, pipeSize: 0 });
    addon = candidate;
    return (loaded = { ok: true, path });
  } catch (err) {
    const message = (err as Error).message.split('\n')[0] ?? String(err);
    const code = (err as NodeJS.ErrnoException).code;
    return (loaded = { ok: false, reason: code === 'MODULE_NOT_FOUND' ? `not built (${path} missing)` : `failed to load: ${message}` });
  }
}

/**
 * Hands the pair to the addon. `toBackend` is sent first (the client's replayed bytes); bytes
 * Node already read from either socket are moved over too. False (nothing changed) when the
 * addon is absent or the sockets cannot be handed over; the caller then uses the JS relay.
 */
export function nativeRelay(client: Socket, backend: Socket, toBackend: Buffer): boolean {
  if (addon === undefined) return false;
  const clientFd = fdOf(client);
  const backendFd = fdOf(backend);
  if (clientFd < 0 || backendFd < 0 || client.writableLength > 0 || backend.writableLength > 0) return false;
  const fromClient = takeOver(client);
  const fromBackend = takeOver(backend);
  const up = fromClient === undefined ? toBackend : Buffer.concat([toBackend, fromClient]);
  const id = addon.start(clientFd, backendFd, up, fromBackend);
  backend.destroy(); // the addon holds its own copy of the fd
  if (id < 0) {
    client.destroy(); // out of fds or memory: the same as a socket error
    return true;
  }
  (client as unknown as Record<symbol, number>)[kRelayId] = id;
  live.set(id, client);
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

function relayEnded(id: number, up: number, down: number, reason: number, errno: number): void {
  totals.relays++;
  totals.up += up;
  totals.down += down;
  const client = live.get(id);
  if (client === undefined) return; // the client socket closed first and asked for the abort
  live.delete(id);
  onEndHook?.(client, { up, down, reason: END_REASONS[reason] ?? 'error', errno });
  client.destroy();
}

function abortOnClose(this: Socket): void {
  const id = (this as unknown as Record<symbol, number | undefined>)[kRelayId];
  if (id === undefined || !live.delete(id)) return;
  addon?.abort(id);
}

/** The socket's fd (Linux TCP handles expose it), or -1. */
function fdOf(socket: Socket): number {
  const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
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
  const handle = (socket as unknown as { _handle: { readStop(): number; reading: boolean } })._handle;
  handle.readStop();
  handle.reading = false;
  return chunks.length === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}
