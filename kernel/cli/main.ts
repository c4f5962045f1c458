/**
 * `infrarust`: the daemon's entry point. Parses flags, loads the config (or the embedded
 * default when there is no file), starts the proxy, watches `servers/`, and handles signals:
 * the first SIGINT/SIGTERM drains connections for up to 30 s, a second one exits at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { HELP, parseBind, parseCli, type CliOptions } from './args.ts';
import { createRootLogger, type Logger } from '../log/logger.ts';
import { embeddedDefaultConfig, loadProxyConfig, loadServersDir, watchServersDir, type ProxyConfig } from '../config/index.ts';
import { Proxy } from '../proxy.ts';
import { InfrarustError, isInfrarustError } from '../errors.ts';

const SHUTDOWN_GRACE_MS = 30_000;

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function loadConfig(cli: CliOptions, log: Logger): Promise<ProxyConfig> {
  const file = resolve(cli.config);
  let config: ProxyConfig;
  if (!existsSync(file)) {
    if (cli.configExplicit) throw new InfrarustError('IR_ERR_CONFIG_READ', `config file ${file} does not exist`);
    config = embeddedDefaultConfig();
    log.info(
      `No ${cli.config} here, so Infrarust runs on its built-in defaults. To route players, add a file ` +
        `per backend to ${cli.serversDir ?? config.servers_dir}, for example lobby.toml containing ` +
        `domains = ["play.example.com"] and addresses = ["127.0.0.1:25566"]; it takes effect within a second, ` +
        `no restart needed. Create ${cli.config} to change the listen address and everything else (docs/configuration.md).`,
    );
  } else {
    const loaded = await loadProxyConfig(file);
    for (const warning of loaded.warnings) log.warn(warning);
    config = loaded.config;
  }
  return {
    ...config,
    bind: cli.bind !== undefined ? parseBind(cli.bind) : config.bind,
    servers_dir: cli.serversDir !== undefined ? resolve(cli.serversDir) : config.servers_dir,
    plugins_dir: cli.pluginsDir !== undefined ? resolve(cli.pluginsDir) : config.plugins_dir,
  };
}

async function run(cli: CliOptions): Promise<void> {
  const log = createRootLogger({ level: cli.logLevel });
  const config = await loadConfig(cli, log);
  await mkdir(config.servers_dir, { recursive: true }).catch((cause: Error) => {
    throw new InfrarustError('IR_ERR_CONFIG_SERVERS_DIR', `cannot create servers_dir ${config.servers_dir}: ${cause.message}`, { cause });
  });
  const proxy = new Proxy(config, log);
  const initial = await loadServersDir(config.servers_dir);
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
  });
  const { host, port } = await proxy.start();
  log.info({ servers: initial.servers.size, version: packageVersion() }, `listening on ${host}:${port}`);
  handleSignals(proxy, watcher, log);
}

function handleSignals(proxy: Proxy, watcher: { close(): void }, log: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: no new connections, waiting for players to leave');
    watcher.close();
    void proxy.stop(SHUTDOWN_GRACE_MS).then(() => {
      log.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    const cli = parseCli(argv, process.env);
    if (cli.command === 'help') return void console.log(HELP);
    if (cli.command === 'version') return void console.log(`infrarust ${packageVersion()}`);
    await run(cli);
  } catch (err) {
    const code = isInfrarustError(err) ? ` [${err.code}]` : '';
    console.error(`infrarust: ${(err as Error).message}${code}`);
    process.exitCode = 2;
  }
}
