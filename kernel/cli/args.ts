/**
 * Command-line parsing. `infrarust [options]` runs the daemon; subcommands come later
 * (`plugin new`, `plugin list`). Flags follow Infrarust v2's CLI, plus `--servers-dir`.
 */
import { parseArgs } from 'node:util';
import { InfrarustError } from '../errors.ts';
import { isLogLevel, LOG_LEVELS } from '../log/logger.ts';

export interface CliOptions {
  command: 'run' | 'help' | 'version' | 'plugin-new' | 'plugin-list' | 'plugin-build';
  /** For `plugin new NAME`. */
  pluginName?: string;
  /** `plugin new NAME --wasm`: a TypeScript guest built to a WASM component. */
  wasm?: boolean;
  /** For `plugin build [DIR]` (default: the working directory). */
  buildDir?: string;
  /** `plugin build --backend`: quickjs (default) or spidermonkey. */
  backend?: 'quickjs' | 'spidermonkey';
  /** Development mode: plugins reload when their files change. */
  dev: boolean;
  config: string;
  /** True when -c/--config was given (a missing explicit file is an error, not a default). */
  configExplicit: boolean;
  bind?: string;
  logLevel: (typeof LOG_LEVELS)[number];
  serversDir?: string;
  pluginsDir?: string;
}

export const HELP = `Usage: infrarust [options]
       infrarust plugin new <name> [--plugins-dir <dir>]
       infrarust plugin new <name> --wasm [--plugins-dir <dir>]
       infrarust plugin build [dir] [--backend quickjs|spidermonkey]
       infrarust plugin list [options]

Minecraft Java Edition reverse proxy: routes each player by the domain they connect to.

Commands:
  (none)                    Run the proxy
  plugin new <name>         Create plugins/<name> from the native plugin template
                            (--wasm: a sandboxed TypeScript guest, see docs/wasm-plugins.md)
  plugin build [dir]        Build the WASM guest in dir (default .) into <id>.wasm
  plugin list               List discovered plugins with version, source and state

Options:
  -c, --config <file>       Global config (default: infrarust.toml). When the default file
                            does not exist, an embedded default config is used.
  -b, --bind <addr:port>    Listen address, overrides \`bind\` (e.g. 0.0.0.0:25565)
  -l, --log-level <level>   ${LOG_LEVELS.join(', ')} (default: info; env LOG_LEVEL)
      --servers-dir <dir>   Per-server config directory, overrides \`servers_dir\`
      --plugins-dir <dir>   Plugin directory, overrides \`plugins_dir\`
      --dev                 Development mode: type-check and reload a native plugin when
                            its files change; rebuild a WASM guest when its source changes
                            (a replaced .wasm reloads its plugin in every mode)
  -V, --version             Print the version and which passthrough relay is in use (the native
                            splice(2) relay when native/splice is built, else JS), then exit
  -h, --help                Print this help and exit

Environment: LOG_LEVEL (as -l), INFRARUST_RELAY=js (use the JS relay even when the native one
is built).

Signals: SIGINT/SIGTERM stop accepting and let connections finish (30 s grace);
a second signal exits at once. Ctrl-C at the console prompt counts as SIGINT.
Docs: docs/configuration.md`;

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        bind: { type: 'string', short: 'b' },
        'log-level': { type: 'string', short: 'l' },
        'servers-dir': { type: 'string' },
        'plugins-dir': { type: 'string' },
        version: { type: 'boolean', short: 'V' },
        dev: { type: 'boolean' },
        wasm: { type: 'boolean' },
        backend: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (cause) {
    throw new InfrarustError('IR_ERR_CLI_USAGE', `${(cause as Error).message}\nRun \`infrarust --help\` for usage.`, { cause });
  }
  const v = parsed.values;
  const logLevel = v['log-level'] ?? (env.LOG_LEVEL || undefined) ?? 'info';
  if (!isLogLevel(logLevel)) {
    throw new InfrarustError('IR_ERR_CLI_USAGE', `unknown log level "${logLevel}"; use one of: ${LOG_LEVELS.join(', ')}`);
  }
  const command = v.help === true ? 'help' : v.version === true ? 'version' : subcommand(parsed.positionals);
  const backend = v.backend ?? 'quickjs';
  if (backend !== 'quickjs' && backend !== 'spidermonkey') throw new InfrarustError('IR_ERR_CLI_USAGE', `unknown backend "${backend}"; use quickjs or spidermonkey`);
  return {
    command,
    pluginName: command === 'plugin-new' ? parsed.positionals[2] : undefined,
    wasm: v.wasm === true,
    buildDir: command === 'plugin-build' ? (parsed.positionals[2] ?? '.') : undefined,
    backend,
    dev: v.dev === true,
    config: v.config ?? 'infrarust.toml',
    configExplicit: v.config !== undefined,
    bind: v.bind,
    logLevel,
    serversDir: v['servers-dir'],
    pluginsDir: v['plugins-dir'],
  };
}

/** Splits `host:port`, `[v6]:port` or `:port`; the host defaults to 0.0.0.0. */
export function parseBind(bind: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(bind.trim());
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port > 65535) {
    throw new InfrarustError('IR_ERR_CLI_USAGE', `invalid bind address "${bind}"; expected host:port, e.g. 0.0.0.0:25565`);
  }
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

function subcommand(positionals: string[]): CliOptions['command'] {
  const [group, action, name, ...extra] = positionals;
  if (group === undefined) return 'run';
  if (group === 'plugin' && action === 'list' && name === undefined) return 'plugin-list';
  if (group === 'plugin' && action === 'build' && extra.length === 0) return 'plugin-build';
  if (group === 'plugin' && action === 'new' && name !== undefined && extra.length === 0) return 'plugin-new';
  if (group === 'plugin' && action === 'new') {
    throw new InfrarustError('IR_ERR_CLI_USAGE', 'usage: infrarust plugin new <name>');
  }
  throw new InfrarustError('IR_ERR_CLI_USAGE', `unknown command "${positionals.join(' ')}"\nRun \`infrarust --help\` for usage.`);
}
