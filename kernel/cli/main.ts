/**
 * `infrarust`: the daemon's entry point. Parses flags, loads the config (or the embedded
 * default when there is no file), starts the proxy, watches `servers/`, and handles signals:
 * the first SIGINT/SIGTERM drains connections for up to 30 s, a second one exits at once.
 * Faults that reach the top of the event loop go to fault-handlers.ts; a blocked event loop is
 * caught by the watchdog thread (watchdog.ts), which also makes signals work during a stall.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELP, parseBind, parseCli, type CliOptions } from './args.ts';
import { createRootLogger, type Logger } from '../log/logger.ts';
import { loadServersDir, NO_PLUGIN_SECTIONS, parseProxyConfig, readConfigFile, watchServersDir } from '../config/index.ts';
import { bootKernel, type ConfigOverrides, type ConfigSource, type Kernel } from '../kernel.ts';
import { DATA_SUBDIR } from '../plugin-system/host/plugin-host.ts';
import { bareWasmMessages, watchPlugins } from './plugin-watch.ts';
import { scaffoldPlugin, scaffoldWasmPlugin } from './plugin-commands.ts';
import { buildWasmPlugin } from './plugin-build.ts';
import { InfrarustError, isInfrarustError } from '../errors.ts';
import { installFaultHandlers } from './fault-handlers.ts';
import { startWatchdog } from './watchdog.ts';
import { relayChoice } from '../net/relay-select.ts';

const SHUTDOWN_GRACE_MS = 30_000;
const BUILTIN_PLUGINS_DIR = fileURLToPath(new URL('../../builtin-plugins', import.meta.url));

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** infrarust.toml as given (or the embedded default, '' in the working directory) and the flags over it. */
async function configSource(cli: CliOptions, log: Logger): Promise<{ source: ConfigSource; overrides: ConfigOverrides }> {
  const file = resolve(cli.config);
  const overrides: ConfigOverrides = {
    bind: cli.bind !== undefined ? parseBind(cli.bind) : undefined,
    servers_dir: cli.serversDir !== undefined ? resolve(cli.serversDir) : undefined,
    plugins_dir: cli.pluginsDir !== undefined ? resolve(cli.pluginsDir) : undefined,
  };
  if (existsSync(file)) return { source: { text: await readConfigFile(file), file }, overrides };
  if (cli.configExplicit) throw new InfrarustError('IR_ERR_CONFIG_READ', `config file ${file} does not exist`);
  log.info(
    `No ${cli.config} here, so Infrarust runs on its built-in defaults. To route players, add a file ` +
      `per backend to ${cli.serversDir ?? './servers'}, for example lobby.toml containing ` +
      `domains = ["play.example.com"] and addresses = ["127.0.0.1:25566"]; it takes effect within a second, ` +
      `no restart needed. Create ${cli.config} to change the listen address and everything else (docs/configuration.md).`,
  );
  return { source: { text: '', file: join(process.cwd(), 'infrarust.toml') }, overrides };
}

async function run(cli: CliOptions): Promise<void> {
  const log = createRootLogger({ level: cli.logLevel });
  let kernel: Kernel | undefined;
  installFaultHandlers({ log, host: () => kernel?.host });
  const { source, overrides } = await configSource(cli, log);
  startStallWatchdog(source, log);
  const signals = new SignalHandling(log);
  kernel = await bootKernel({ source, overrides, log, version: packageVersion(), builtinDir: BUILTIN_PLUGINS_DIR, dev: cli.dev, onShutdown: () => signals.stop('ctx.proxy.shutdown()') });
  const { proxy, config } = kernel;
  for (const warning of kernel.warnings) log.warn(warning);
  await mkdir(config.servers_dir, { recursive: true }).catch((cause: Error) => {
    throw new InfrarustError('IR_ERR_CONFIG_SERVERS_DIR', `cannot create servers_dir ${config.servers_dir}: ${cause.message}`, { cause });
  });
  const initial = await loadServersDir(config.servers_dir, kernel.sections);
  for (const err of initial.errors) log.error(err.message);
  for (const warning of initial.warnings) log.warn(warning);
  proxy.setServers(initial.servers);
  const watcher = watchServersDir(config.servers_dir, {
    initial: initial.servers,
    onChange: (servers) => {
      proxy.setServers(servers);
      log.info({ servers: servers.size }, 'server configs reloaded');
    },
    onError: (err) => log.error(err.message),
    log: { warn: (msg) => log.warn(msg) },
    sections: kernel.sections,
  });
  const pluginWatcher = await startPlugins(kernel, cli, log).catch((err: unknown) => {
    watcher.close(); // nothing may keep the process alive after a refusal to start
    throw err;
  });
  logRelay(log); // before 'listening on': the console's prompt follows that line
  const { host, port } = await proxy.start();
  log.info({ servers: initial.servers.size, version: packageVersion(), dev: cli.dev }, `listening on ${host}:${port}`);
  signals.attach(kernel, [watcher, pluginWatcher]);
}

/** Which relay passthrough connections get, and why: one line (a warning when the addon is broken). */
function logRelay(log: Logger): void {
  const choice = relayChoice();
  if (choice.kind === 'native') return void log.info({ relay: 'native', reason: choice.reason }, 'relay: native splice(2)');
  const broken = choice.reason.includes('failed to load');
  log[broken ? 'warn' : 'info']({ relay: 'js', reason: choice.reason }, 'relay: JS');
}

/** `infrarust --version`: the version, and whether the native relay was built and loads. */
function versionText(): string {
  const choice = relayChoice();
  return `infrarust ${packageVersion()}\nrelay: ${choice.kind === 'native' ? 'native splice(2)' : 'JS'} (${choice.reason})`;
}

/**
 * Before any plugin code loads. `[events] stall_timeout` comes from a lenient read of the file:
 * bootKernel validates it in full right after (a file it refuses never starts the proxy).
 */
function startStallWatchdog(source: ConfigSource, log: Logger): void {
  let stallTimeoutMs: number;
  try {
    stallTimeoutMs = parseProxyConfig(source.text, source.file, NO_PLUGIN_SECTIONS, { lenient: true }).config.events.stall_timeout;
  } catch {
    return; // bootKernel reports the problem and the proxy does not start
  }
  if (stallTimeoutMs > 0) startWatchdog({ stallTimeoutMs, log, pretty: process.stdout.isTTY === true });
}

async function startPlugins(kernel: Kernel, cli: CliOptions, log: Logger): Promise<{ close(): void } | undefined> {
  const { host, config } = kernel;
  await host.loadAll();
  const critical = host.criticalFailures();
  if (critical.length > 0) {
    await host.shutdown();
    const names = critical.map((p) => `${p.id} (${p.error})`).join('; ');
    throw new InfrarustError('IR_ERR_PLUGIN_CRITICAL', `refusing to start without critical plugin(s): ${names}. Fix the cause, or set [plugins.<id>] enabled = false to run without it.`);
  }
  // --dev: every plugin folder (WASM guests rebuilt from source); production: .wasm replacements (plugin-watch.ts).
  const dirs = cli.dev ? [BUILTIN_PLUGINS_DIR, config.plugins_dir] : [config.plugins_dir];
  const watcher = await watchPlugins({ host, dev: cli.dev === true, dirs, log, dataSubdir: DATA_SUBDIR });
  if (!cli.dev) await host.releaseCompiler();
  await kernel.layers.events.fire('ProxyInitialize', {});
  return watcher;
}

/** SIGINT/SIGTERM (and ctx.proxy.shutdown()): a graceful stop; a second signal exits at once. */
class SignalHandling {
  private kernel: Kernel | undefined;
  private watchers: ({ close(): void } | undefined)[] = [];
  private stopping = false;

  constructor(private readonly log: Logger) {}

  attach(kernel: Kernel, watchers: ({ close(): void } | undefined)[]): void {
    this.kernel = kernel;
    this.watchers = watchers;
    process.on('SIGINT', (signal) => this.stop(signal));
    process.on('SIGTERM', (signal) => this.stop(signal));
  }

  /** `cause`: the signal, or a plugin's shutdown request (the console's `stop` and Ctrl-C). */
  stop(cause: NodeJS.Signals | 'ctx.proxy.shutdown()'): void {
    const kernel = this.kernel;
    if (kernel === undefined) return; // not started yet: the start path owns the process
    const signal = cause === 'ctx.proxy.shutdown()' ? undefined : cause;
    const requestedBy = signal === undefined ? 'a plugin (ctx.proxy.shutdown())' : undefined;
    if (this.stopping) {
      this.log.warn({ signal, requestedBy }, 'second signal: exiting now');
      process.exit(1);
    }
    this.stopping = true;
    this.log.info({ signal, requestedBy }, 'shutting down: no new connections, waiting for players to leave');
    for (const w of this.watchers) w?.close();
    void (async () => {
      await kernel.proxy.stop(SHUTDOWN_GRACE_MS);
      // Plugins hear ProxyShutdown while they are all still loaded, then unload in reverse order.
      await kernel.layers.events.fire('ProxyShutdown', {});
      await kernel.host.shutdown();
      this.log.info('stopped');
      process.exit(0);
    })();
  }
}

async function pluginCommand(cli: CliOptions): Promise<void> {
  const log = createRootLogger({ level: 'silent', pretty: false });
  const { source, overrides } = await configSource(cli, log);
  if (cli.command === 'plugin-new') {
    // Only plugins_dir is needed: the kernel keys are read without loading any plugin.
    const config = parseProxyConfig(source.text, source.file, NO_PLUGIN_SECTIONS, { lenient: true }).config;
    const pluginsDir = overrides.plugins_dir ?? config.plugins_dir;
    if (cli.wasm === true) {
      const dir = await scaffoldWasmPlugin(cli.pluginName!, pluginsDir);
      console.log(`Created ${dir}. Edit ${join(dir, 'index.ts')}, then run \`infrarust plugin build ${dir}\`.`);
      return;
    }
    const dir = await scaffoldPlugin(cli.pluginName!, pluginsDir);
    console.log(`Created ${dir}. Run \`npm start -- --dev\` and edit ${join(dir, 'index.ts')}: it reloads on save.`);
    return;
  }
  const { host, config } = await bootKernel({ source, overrides, log, version: packageVersion(), builtinDir: BUILTIN_PLUGINS_DIR });
  await host.loadAll();
  const rows = host.list();
  await host.shutdown();
  const bare = await bareWasmMessages(config.plugins_dir);
  if (rows.length === 0 && host.discoveryErrors.length === 0 && bare.length === 0) return void console.log(`No plugins in ${BUILTIN_PLUGINS_DIR} or ${config.plugins_dir}.`);
  for (const p of rows) console.log(`${p.id.padEnd(24)} ${p.version.padEnd(10)} ${p.source.padEnd(8)} ${p.state}${p.error !== undefined ? `: ${p.error}` : ''}`);
  for (const message of host.discoveryErrors) console.log(`invalid: ${message}`);
  for (const message of bare) console.log(`invalid: ${message}`);
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    const cli = parseCli(argv, process.env);
    if (cli.command === 'help') return void console.log(HELP);
    if (cli.command === 'version') return void console.log(versionText());
    if (cli.command === 'plugin-build') {
      const r = await buildWasmPlugin(cli.buildDir!, cli.backend);
      return void console.log(`Built ${r.file} (${Math.round(r.bytes / 1024)} KiB, ${r.info.backend}) in ${Math.round(r.ms)} ms.${r.typesUpdated ? ' types/ regenerated for the capabilities in plugin.json.' : ''}`);
    }
    if (cli.command === 'plugin-new' || cli.command === 'plugin-list') return await pluginCommand(cli);
    await run(cli);
  } catch (err) {
    const code = isInfrarustError(err) ? ` [${err.code}]` : '';
    console.error(`infrarust: ${(err as Error).message}${code}`);
    process.exitCode = 2;
  }
}
