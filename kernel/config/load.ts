/**
 * Reading, parsing and validating config files: TOML text in, a frozen, fully resolved config out,
 * or one ConfigError that lists every problem with file, line and key path.
 *
 * Relative paths are resolved against the folder of the file that names them (not the working
 * directory), so `infrarust -c /etc/infrarust/infrarust.toml` behaves the same from any cwd.
 * Parsing is synchronous (favicons are read with readFileSync: a few KB at load time, never per
 * connection); only reading the TOML file itself is async.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { ConfigError, formatKeyPath, type ConfigIssue } from './config-error.ts';
import { resolveFavicon } from './favicon.ts';
import { proxyConfigSchema, type ProxyConfig } from './schema-global.ts';
import type { MotdConfig } from './schema-motd.ts';
import { serverConfigSchema, type ServerConfig } from './schema-server.ts';
import { inactiveWarnings, NO_PLUGIN_SECTIONS, takeSections, type SectionCatalog } from './sections.ts';
import { TomlLocator } from './toml-locator.ts';
import { proxyWarnings, serverWarnings, type ConfigWarning } from './warnings.ts';
import { toConfigIssues } from './zod-issues.ts';

/** A server file as the registry holds it (same as ServerConfig: `id` and `file` filled in). */
export type LoadedServer = ServerConfig;

/** A loaded global config and the warnings to log (`<file>:<line>: <key>: <message>`). */
export interface LoadedProxyConfig {
  config: ProxyConfig;
  warnings: string[];
}

/** Reads a config file; a missing or unreadable file is IR_ERR_CONFIG_READ (cause keeps the errno). */
export async function readConfigFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file does not exist' : (err as Error).message;
    throw new ConfigError('IR_ERR_CONFIG_READ', file, [{ file, line: 0, path: '', message }], { cause: err });
  }
}

/**
 * smol-toml reports a one-line string left open as "control characters are not allowed" (the line
 * break is the control character): true when the error points at the end of its line.
 */
function isUnterminatedString(err: TomlError, text: string): boolean {
  if (!/control characters are not allowed/.test(err.message)) return false;
  const line = text.split(/\r?\n/)[err.line - 1];
  return line !== undefined && err.column > line.length;
}

function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const message = isUnterminatedString(err, text)
      ? `unterminated string: a "…" or '…' string must end on the line where it starts (use """…""" for text over several lines)`
      : `${err.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '')} (column ${err.column})`;
    throw new ConfigError('IR_ERR_CONFIG_PARSE', file, [{ file, line: err.line, path: '', message }], { cause: err, detail: err.codeblock });
  }
}

interface Checked<T> {
  value: T | undefined;
  issues: ConfigIssue[];
  locator: TomlLocator;
  data: Record<string, unknown>;
}

function check<S extends z.ZodType>(schema: S, text: string, file: string): Checked<z.output<S>> {
  const data = parseToml(text, file);
  const locator = new TomlLocator(text);
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return { value: result.data, issues: [], locator, data };
  return { value: undefined, issues: toConfigIssues(result.error.issues, { file, locator, schema, data }), locator, data };
}

/** Replaces every favicon in a `[motd]` table with its data URI, recording unreadable ones. */
function resolveFavicons(motd: MotdConfig, base: string, dir: string, file: string, c: Checked<unknown>): void {
  for (const [state, entry] of Object.entries(motd)) {
    if (!entry?.favicon) continue;
    try {
      entry.favicon = resolveFavicon(entry.favicon, dir);
    } catch (err) {
      const path = [base, state, 'favicon'];
      c.issues.push({ file, line: c.locator.lineOf(path), path: formatKeyPath(path), message: (err as Error).message });
    }
  }
}

function formatWarnings(warnings: ConfigWarning[], file: string, locator: TomlLocator): string[] {
  return warnings.map((w) => `${file}:${locator.lineOf(w.path)}: ${formatKeyPath(w.path)}: ${w.message}`);
}

function fail(file: string, issues: ConfigIssue[]): never {
  throw new ConfigError('IR_ERR_CONFIG_INVALID', file, issues);
}

/** Freezes a config tree so no consumer can change what another one sees. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Validates the text of a global config file. `file` names it in errors and anchors relative
 * paths; `catalog` says which plugin validates which section (sections.ts).
 */
export function parseProxyConfig(text: string, file: string, catalog: SectionCatalog = NO_PLUGIN_SECTIONS, options: { lenient?: boolean } = {}): LoadedProxyConfig {
  const path = resolve(file);
  const dir = dirname(path);
  const c = check(proxyConfigSchema(catalog.global, options.lenient), text, path);
  if (!c.value) fail(path, c.issues);
  const sections = takeSections(c.value as Record<string, unknown>, catalog.global);
  const config: ProxyConfig = { ...c.value, sections };
  config.servers_dir = resolve(dir, config.servers_dir);
  config.plugins_dir = resolve(dir, config.plugins_dir);
  config.forwarding.secret_file = resolve(dir, config.forwarding.secret_file);
  resolveFavicons(config.default_motd, 'default_motd', dir, path, c);
  if (c.issues.length > 0) fail(path, c.issues);
  const warnings = [...inactiveWarnings(c.data, catalog.global), ...proxyWarnings(config)];
  return { config: deepFreeze(config), warnings: formatWarnings(warnings, path, c.locator) };
}

/** Reads and validates `infrarust.toml`. */
export async function loadProxyConfig(file: string, catalog?: SectionCatalog): Promise<LoadedProxyConfig> {
  const path = resolve(file);
  return parseProxyConfig(await readConfigFile(path), path, catalog);
}

/** Like parseServerConfig, also returning the file's warnings. */
export function parseServerConfigDetailed(text: string, file: string, catalog: SectionCatalog = NO_PLUGIN_SECTIONS): { server: LoadedServer; warnings: string[] } {
  const path = resolve(file);
  const dir = dirname(path);
  const c = check(serverConfigSchema(catalog.server), text, path);
  if (!c.value) fail(path, c.issues);
  const sections = takeSections(c.value as Record<string, unknown>, catalog.server);
  const config = { ...c.value, sections };
  resolveFavicons(config.motd, 'motd', dir, path, c);
  if (c.issues.length > 0) fail(path, c.issues);
  const server: LoadedServer = { ...config, id: config.id ?? basename(path, '.toml'), file: path };
  const warnings = [...inactiveWarnings(c.data, catalog.server), ...serverWarnings(server)];
  return { server: deepFreeze(server), warnings: formatWarnings(warnings, path, c.locator) };
}

/** Validates the text of one server file; `file` gives the default id and the base for relative paths. */
export function parseServerConfig(text: string, file: string, catalog?: SectionCatalog): LoadedServer {
  return parseServerConfigDetailed(text, file, catalog).server;
}

/** Like loadServerFile, also returning the file's warnings. */
export async function loadServerFileDetailed(file: string, catalog?: SectionCatalog): Promise<{ server: LoadedServer; warnings: string[] }> {
  const path = resolve(file);
  return parseServerConfigDetailed(await readConfigFile(path), path, catalog);
}

/** Reads and validates one `servers/*.toml` file. */
export async function loadServerFile(file: string, catalog?: SectionCatalog): Promise<LoadedServer> {
  return (await loadServerFileDetailed(file, catalog)).server;
}
