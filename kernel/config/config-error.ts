/**
 * The error every config failure throws: one InfrarustError whose message lists every problem as
 * `<file>:<line>: <key.path>: <message>`, with the same list attached as structured `issues` for
 * the CLI, the admin API and tests.
 */
import { InfrarustError, type ErrorCode } from '../errors.ts';

/** One problem in one config file. `line` is 1-based; 0 means the whole file (e.g. unreadable). */
export interface ConfigIssue {
  file: string;
  line: number;
  /** Dotted key path, e.g. `rate_limit.window` or `addresses[1]`; empty for the whole file. */
  path: string;
  message: string;
}

const BARE = /^[A-Za-z0-9_-]+$/;

/** Renders a zod key path the way it would be written in TOML: `plugins."my.plugin".enabled`, `addresses[1]`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const key = String(part);
      out += (out === '' ? '' : '.') + (BARE.test(key) ? key : JSON.stringify(key));
    }
  }
  return out;
}

/** `<file>:<line>: <path>: <message>`, dropping the parts an issue does not have. */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}` : issue.file;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

const HEADLINES: Partial<Record<ErrorCode, (file: string, count: number) => string>> = {
  IR_ERR_CONFIG_READ: (file) => `Cannot read config file ${file}; check the path and its permissions.`,
  IR_ERR_CONFIG_PARSE: (file) => `${file} is not valid TOML; fix the syntax at the position shown.`,
  IR_ERR_CONFIG_INVALID: (file, n) =>
    `${file} has ${n} invalid setting${n === 1 ? '' : 's'}; fix ${n === 1 ? 'it' : 'them'} and load again (nothing from this file was applied):`,
};

/** A config file that could not be read, parsed or validated. */
export class ConfigError extends InfrarustError {
  /** The file at fault (absolute). */
  readonly file: string;
  /** Every problem found, sorted by line. */
  readonly issues: readonly ConfigIssue[];
  /** Text after the issue list (the TOML excerpt of a syntax error, say). */
  readonly detail: string | undefined;

  constructor(code: ErrorCode, file: string, issues: ConfigIssue[], options?: { cause?: unknown; detail?: string }) {
    const sorted = [...issues].sort((a, b) => a.line - b.line);
    const headline = HEADLINES[code]?.(file, sorted.length) ?? `Config error in ${file}:`;
    const body = sorted.map((i) => `  ${formatIssue(i)}`).join('\n');
    super(code, [headline, body, options?.detail].filter(Boolean).join('\n'), { cause: options?.cause });
    this.file = file;
    this.issues = Object.freeze(sorted.map((i) => Object.freeze({ ...i })));
    this.detail = options?.detail;
  }

  /** The same error with `note` after its message (what happens because of it). */
  withNote(note: string): ConfigError {
    return new ConfigError(this.code, this.file, [...this.issues], { cause: this.cause, detail: [this.detail, note].filter(Boolean).join('\n') });
  }
}
