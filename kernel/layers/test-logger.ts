/** Test helper: a LayerLogger that records what it was told, so tests can assert on reports. */
import type { LayerLogger } from './layer-logger.ts';

export interface LogRecord {
  level: 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

export function recordingLogger(): LayerLogger & { records: LogRecord[] } {
  const records: LogRecord[] = [];
  return {
    records,
    warn(obj, msg) {
      records.push({ level: 'warn', obj: obj as Record<string, unknown>, msg });
    },
    error(obj, msg) {
      records.push({ level: 'error', obj: obj as Record<string, unknown>, msg });
    },
  };
}
