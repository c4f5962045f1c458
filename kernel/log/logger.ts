/**
 * The root pino logger. Human-readable (pino-pretty, synchronous) when stdout is a terminal,
 * JSON lines otherwise. Everything else derives child loggers from it: `{ conn }` per
 * connection, `{ plugin }` per plugin. Player-controlled strings go under fixed keys
 * (`player`, `domain`), never as binding keys.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function isLogLevel(value: string): value is LevelWithSilent {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Force pretty (true) or JSON (false); default: pretty when stdout is a TTY. */
  pretty?: boolean;
}

export function createRootLogger(options: LoggerOptions): Logger {
  const usePretty = options.pretty ?? process.stdout.isTTY === true;
  const base = { level: options.level, base: undefined, redact: ['*.password', '*.api_key', '*.accessToken'] };
  if (!usePretty) return pino(base);
  // Formatted here and written through process.stdout (synchronous on a terminal) rather than by
  // pino-pretty's own stream straight to fd 1: the console draws its prompt on the same terminal
  // and keeps it below the log lines by watching process.stdout (builtin-plugins/console).
  const prettify = pretty.prettyFactory({ colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' });
  return pino(base, { write: (line: string) => void process.stdout.write(prettify(line)) });
}
