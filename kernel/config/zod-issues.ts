/**
 * Turns zod issues into ConfigIssues a person can act on: the TOML line of the key, the key
 * path, a plain message ("missing required key", "expected a number, got \"ten\""), and for
 * unknown keys a did-you-mean drawn from the keys the schema allows at that level.
 */
import type { z } from 'zod';
import { formatKeyPath, type ConfigIssue } from './config-error.ts';
import { suggest } from './did-you-mean.ts';
import type { TomlLocator } from './toml-locator.ts';

type Issue = z.core.$ZodIssue;
export type Schema = z.core.$ZodType;
/** The parts of a zod 4 schema definition the config tooling walks. */
export interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  shape?: Record<string, Schema>;
  valueType?: Schema;
  element?: Schema;
  options?: Schema[];
  discriminator?: string;
}

export const defOf = (s: Schema) => s._zod.def as unknown as Def;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Looks through wrappers (optional, default, pipes...) to the schema that shapes the value. */
function unwrap(schema: Schema): Schema {
  for (let s = schema; ; ) {
    const def = defOf(s);
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe') s = defOf(def.in!).type === 'transform' ? def.out! : def.in!;
    else return s;
  }
}

/** For a union, the object option that fits `data` (by discriminator when there is one). */
function pickOption(schema: Schema, data: unknown): Schema {
  const def = defOf(schema);
  if (def.type !== 'union') return schema;
  const objects = def.options!.map(unwrap).filter((o) => defOf(o).type === 'object');
  const disc = def.discriminator;
  if (disc && isObj(data)) {
    const match = objects.find((o) => (o._zod as { propValues?: Record<string, Set<unknown>> }).propValues?.[disc]?.has(data[disc]));
    if (match) return match;
  }
  return objects[0] ?? schema;
}

function child(schema: Schema, key: PropertyKey, data: unknown): Schema | undefined {
  const s = pickOption(unwrap(schema), data);
  const def = defOf(s);
  if (def.type === 'object') return def.shape![String(key)];
  if (def.type === 'record') return def.valueType;
  if (def.type === 'array') return def.element;
  return undefined;
}

/** The keys the schema accepts for the table at `path`, or [] when it cannot tell. */
export function allowedKeysAt(root: Schema, data: unknown, path: readonly PropertyKey[]): string[] {
  let schema: Schema | undefined = root;
  let value = data;
  for (const key of path) {
    schema = schema && child(schema, key, value);
    value = isObj(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[key as string] : undefined;
  }
  if (!schema) return [];
  const s = pickOption(unwrap(schema), value);
  const def = defOf(s);
  return def.type === 'object' ? Object.keys(def.shape!) : [];
}

function describe(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input.length > 60 ? `${input.slice(0, 57)}...` : input);
  if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') return String(input);
  if (Array.isArray(input)) return 'a list';
  if (input instanceof Date) return 'a date';
  if (isObj(input)) return 'a table';
  return String(input);
}

const NOUNS: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'an integer', boolean: 'true or false', array: 'a list',
  object: 'a table', record: 'a table', bigint: 'an integer',
};

/** zod's built-in messages start like this; anything else was written by our schemas. */
const DEFAULT_MESSAGE = /^(Invalid input|Too small|Too big|Invalid option|Invalid string|Invalid discriminator|Invalid key|Invalid element|Invalid value|Invalid number|Invalid URL)/;

function bound(issue: Issue & { code: 'too_small' | 'too_big' }): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === 'array') return small ? `must have at least ${limit} entr${limit === 1 ? 'y' : 'ies'}` : `must have at most ${limit} entries`;
  if (issue.origin === 'string') return small && limit === 1 ? 'cannot be empty' : `must be ${small ? 'at least' : 'at most'} ${limit} characters`;
  if (issue.inclusive === false) return `must be ${small ? 'greater' : 'less'} than ${limit}`;
  return `must be ${small ? 'at least' : 'at most'} ${limit}`;
}

function messageFor(issue: Issue): string {
  if (!DEFAULT_MESSAGE.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'missing required key' : `expected ${NOUNS[issue.expected] ?? issue.expected}, got ${describe(issue.input)}`;
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v)).join(', ');
      const hint = typeof issue.input === 'string' ? suggest(issue.input, issue.values.map(String)) : undefined;
      return `expected one of ${options}, got ${describe(issue.input)}${hint ? `; did you mean "${hint}"?` : ''}`;
    }
    case 'too_small':
    case 'too_big':
      return bound(issue);
    case 'invalid_union':
      return issue.discriminator
        ? `missing or unknown ${issue.discriminator}; expected one of ${((issue as { options?: unknown[] }).options ?? []).map((o) => JSON.stringify(o)).join(', ')}`
        : `has an unexpected value ${describe(issue.input)}`;
    default:
      return issue.message;
  }
}

/** A union fails with one error list per option; when only one option fits the input's type, its errors are the useful ones. */
function unionBranch(issue: Issue): Issue[] | undefined {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return undefined;
  const mismatch = (e: Issue) => e.path.length === 0 && (e.code === 'invalid_type' || e.code === 'invalid_value');
  const fitting = issue.errors.filter((errs) => !errs.some(mismatch));
  if (fitting.length !== 1) return undefined;
  return fitting[0]!.map((e) => ({ ...e, path: [...issue.path, ...e.path] }) as Issue);
}

export interface IssueContext {
  file: string;
  locator: TomlLocator;
  schema: Schema;
  data: unknown;
}

function unknownKeys(issue: Issue & { code: 'unrecognized_keys' }, ctx: IssueContext): ConfigIssue[] {
  const allowed = allowedKeysAt(ctx.schema, ctx.data, issue.path);
  return issue.keys.map((key) => {
    const path = [...issue.path, key];
    const hint = suggest(key, allowed);
    return {
      file: ctx.file,
      line: ctx.locator.lineOf(path),
      path: formatKeyPath(path),
      message: hint ? `unknown key; did you mean "${hint}"?` : 'unknown key',
    };
  });
}

/** Converts every zod issue (recursing into unions) into ConfigIssues. */
export function toConfigIssues(issues: readonly Issue[], ctx: IssueContext): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    const branch = unionBranch(issue);
    if (branch) out.push(...toConfigIssues(branch, ctx));
    else if (issue.code === 'unrecognized_keys') out.push(...unknownKeys(issue, ctx));
    else out.push({ file: ctx.file, line: ctx.locator.lineOf(issue.path), path: formatKeyPath(issue.path), message: messageFor(issue) });
  }
  return out;
}
