/**
 * Runs the real proxy in-process on 127.0.0.1 with config files in a temp dir, loaded by the real
 * loader and watched by the real watcher. Tests write server files exactly as users do.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile, unlink } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createRootLogger, type Logger } from '../../kernel/log/logger.ts';
import { loadServersDir, watchServersDir } from '../../kernel/config/index.ts';
import type { PluginHost } from '../../kernel/plugin-system/host/plugin-host.ts';
import type { Proxy } from '../../kernel/proxy.ts';
import { bootKernel, type Kernel } from '../../kernel/kernel.ts';
import type { ProxyApi } from '../../sdk/plugin.ts';

export interface Harness {
  port: number;
  dir: string;
  proxy: Proxy;
  /** What plugins see of the proxy (ctx.proxy). */
  api: ProxyApi;
  /** The plugin host, when `builtins` was given. */
  host?: PluginHost;
  /** The proxy's log lines (parsed JSON), when `captureLogs` was given. */
  logs: LogLine[];
  writeServer(name: string, toml: string): Promise<void>;
  removeServer(name: string): Promise<void>;
  /** Resolves after the next routing-table swap (the watcher picked a file change up). */
  nextReload(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra lines for infrarust.toml (bind and servers_dir are set by the harness). */
  global?: string;
  servers?: Record<string, string>;
  /**
   * Load plugins like the daemon does: the repo's builtin-plugins/ (only those listed, by id) and
   * `<tmp>/plugins` as plugins_dir. Without it no plugin is loaded.
   */
  builtins?: string[];
  /** Keep the proxy's log lines at this level and above in `harness.logs` (TEST_LOG still prints them). */
  captureLogs?: 'info' | 'debug';
}

/** One pino line: `level` (30 info, 40 warn…), `msg`, and the bindings (`player`, `server`…). */
export type LogLine = { level: number; msg: string } & Record<string, unknown>;

export async function startProxy(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'infrarust-test-'));
  const serversDir = join(dir, 'servers');
  const text = `bind = "127.0.0.1:0"\nservers_dir = "servers"\n${options.global ?? ''}\n`;
  await writeFile(join(dir, 'infrarust.toml'), text);
  await mkdir(serversDir);
  for (const [name, toml] of Object.entries(options.servers ?? {})) await writeFile(join(serversDir, `${name}.toml`), toml);
  const logs: LogLine[] = [];
  const log = options.captureLogs === undefined ? createRootLogger({ level: (process.env.TEST_LOG as 'debug') ?? 'silent', pretty: false }) : capturingLogger(options.captureLogs, logs);
  const builtinDir = options.builtins === undefined ? undefined : await selectBuiltins(options.builtins, dir);
  const kernel = await bootKernel({ source: { text, file: join(dir, 'infrarust.toml') }, log, builtinDir: builtinDir ?? join(dir, 'no-builtins') });
  const { proxy, config } = kernel;
  const initial = await loadServersDir(config.servers_dir, kernel.sections);
  if (initial.errors.length > 0) throw initial.errors[0];
  proxy.setServers(initial.servers);
  const watcher = watchServersDir(config.servers_dir, {
    initial: initial.servers,
    onChange: (servers) => proxy.setServers(servers),
    onError: () => undefined,
    sections: kernel.sections,
  });
  const host = builtinDir === undefined ? undefined : await loadPlugins(kernel);
  const { port } = await proxy.start();
  return {
    port,
    dir,
    proxy,
    api: kernel.api,
    host,
    logs,
    writeServer: (name, toml) => writeFile(join(serversDir, `${name}.toml`), toml),
    removeServer: (name) => unlink(join(serversDir, `${name}.toml`)),
    nextReload: (timeoutMs = 3000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no reload within timeout')), timeoutMs);
        const off = kernel.layers.events.on('test-harness', 'ConfigReload', function once() {
          clearTimeout(timer);
          off();
          resolve();
        });
      }),
    stop: async () => {
      watcher.close();
      await proxy.stop(0);
      await host?.shutdown();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A JSON logger that keeps every line in `logs` (and prints it too when TEST_LOG is set). */
function capturingLogger(level: 'info' | 'debug', logs: LogLine[]): Logger {
  const echo = process.env.TEST_LOG !== undefined;
  return pino({ level: echo && process.env.TEST_LOG === 'debug' ? 'debug' : level, base: undefined }, {
    write(line: string) {
      logs.push(JSON.parse(line) as LogLine);
      if (echo) process.stdout.write(line);
    },
  });
}

const BUILTIN_DIR = fileURLToPath(new URL('../../builtin-plugins', import.meta.url));

/** A folder of links to just the listed builtin plugins, loaded like the daemon loads builtin-plugins/. */
async function selectBuiltins(ids: string[], dir: string): Promise<string> {
  const only = join(dir, 'builtin-selection');
  await mkdir(only, { recursive: true });
  for (const id of ids) await symlink(join(BUILTIN_DIR, id), join(only, id), 'dir');
  return only;
}

/** Loads the selected builtin plugins and the user plugins in plugins_dir; every one must load. */
async function loadPlugins(kernel: Kernel): Promise<PluginHost> {
  await kernel.host.loadAll();
  for (const p of kernel.host.list()) if (p.state !== 'loaded') throw new Error(`plugin ${p.id} did not load: ${p.error}`);
  return kernel.host;
}

/** A server file body for tests. */
export function serverToml(domains: string[], ports: number[], extra = ''): string {
  return `domains = ${JSON.stringify(domains)}\naddresses = ${JSON.stringify(ports.map((p) => `127.0.0.1:${p}`))}\n${extra}\n`;
}
