/**
 * `ctx.proxy.logs`: the newest log lines and a live feed, taken from the root logger's
 * destination (children share it), so every line the proxy writes is seen once. Lines are kept
 * as the JSON strings pino wrote (a ring of `capacity`) and parsed only when someone reads the
 * history or subscribes: an idle tap costs one array store per line.
 */
import { pino, type Logger } from 'pino';
import type { LogEntry, ProxyLogs } from '../../sdk/plugin.ts';

const LEVELS: Record<number, LogEntry['level']> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

export const LOG_HISTORY_CAPACITY = 1000;

type Destination = { write(line: string): unknown };

/** Wraps `logger`'s destination once; a second call on the same logger returns the same tap. */
export function installLogTap(logger: Logger, capacity = LOG_HISTORY_CAPACITY): ProxyLogs {
  const holder = logger as unknown as Record<symbol, Destination & { [TAP]?: ProxyLogs }>;
  const stream = holder[pino.symbols.streamSym];
  if (stream === undefined || typeof stream.write !== 'function') return emptyTap();
  if (stream[TAP] !== undefined) return stream[TAP];
  const ring: string[] = new Array(capacity);
  let next = 0;
  let size = 0;
  const listeners = new Set<(line: LogEntry) => void>();
  const write = stream.write.bind(stream);
  stream.write = function tappedWrite(line: string) {
    ring[next] = line;
    next = (next + 1) % capacity;
    if (size < capacity) size++;
    if (listeners.size > 0) notify(listeners, line);
    return write(line);
  };
  const tap: ProxyLogs = {
    history(limit = capacity) {
      const n = Math.max(0, Math.min(limit, size));
      const out: LogEntry[] = [];
      for (let i = size - n; i < size; i++) {
        const entry = parseLine(ring[(next - size + i + capacity) % capacity]!);
        if (entry !== undefined) out.push(entry);
      }
      return out;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  stream[TAP] = tap;
  return tap;
}

const TAP = Symbol('infrarust.logTap');

function notify(listeners: Set<(line: LogEntry) => void>, line: string): void {
  const entry = parseLine(line);
  if (entry === undefined) return;
  for (const l of listeners) {
    try {
      l(entry);
    } catch {
      // A subscriber must not break logging; it is the subscriber's to report its own faults.
    }
  }
}

/** A pino JSON line as a LogEntry; undefined for a line that is not JSON. */
export function parseLine(line: string): LogEntry | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { time, level, msg, plugin, ...fields } = raw;
  return {
    time: typeof time === 'number' ? time : Date.now(),
    level: LEVELS[level as number] ?? 'info',
    msg: typeof msg === 'string' ? msg : '',
    ...(typeof plugin === 'string' ? { plugin } : {}),
    fields,
  };
}

function emptyTap(): ProxyLogs {
  return { history: () => [], subscribe: () => () => undefined };
}
