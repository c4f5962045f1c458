/**
 * The daemon's handlers for exceptions and promise rejections that reach the top of the event
 * loop, i.e. that no wrapped call caught. The rule (docs/plugins.md, "Faults outside hooks"):
 *
 * - **Attributed to a plugin** — the code ran in a plugin's scope (its setup, a hook, or anything
 *   those scheduled: plugin-scope.ts), or, failing that, a frame of the plugin's code is in the
 *   error's stack: logged with the plugin's id and contained by the host (an ordinary plugin is
 *   unloaded; a critical one stays loaded with its gates failing closed). A timer that threw is
 *   cleared, so an interval does not fault again. The proxy keeps serving.
 * - **An unhandled rejection nobody can attribute**: logged; the proxy keeps serving. A promise
 *   nobody awaited interrupted no code when it rejected, so nothing was left half-done.
 * - **An uncaught exception nobody can attribute**: the proxy's own code threw at a point nobody
 *   expected, which may have left connection state half-updated. Logged, one line on stderr, and
 *   exit code 70 so that a supervisor restarts the proxy (README: systemd, containers).
 */
import { executionAsyncResource } from 'node:async_hooks';
import { writeSync } from 'node:fs';
import type { Logger } from '../log/logger.ts';
import { Occasional } from '../log/occasional.ts';
import { currentScope } from '../plugin-system/host/plugin-scope.ts';
import type { ContainAction } from '../plugin-system/host/plugin-host.ts';
import { pluginOf } from '../layers/owner.ts';

/** Exit code for a fault the proxy cannot recover from (EX_SOFTWARE). */
export const EXIT_INTERNAL_FAULT = 70;

/** What the handlers need from the plugin host. */
export interface FaultTarget {
  contain(owner: string, cause: unknown): { action: ContainAction; done: Promise<void> };
  ownerInStack(stack: string): string | undefined;
}

export interface FaultHandlerOptions {
  log: Logger;
  /** The plugin host, once there is one (earlier faults cannot be attributed). */
  host: () => FaultTarget | undefined;
  /** Ends the process; default process.exit. */
  exit?: (code: number) => void;
  /** One log line per plugin version at most this often; the rest are counted. Default 60 s. */
  repeatMs?: number;
  /** Writes the one-line exit message; default straight to fd 2. */
  stderr?: (text: string) => void;
}

export type FaultKind = 'uncaught exception' | 'unhandled rejection';
type Kind = FaultKind;

const OUTCOME: Record<ContainAction, string> = {
  unloaded: 'the plugin is disabled (unloaded) and the proxy keeps serving',
  kept:
    'it is a critical plugin (a security gate), so it stays loaded rather than opening its gates: they keep their last good state ' +
    'and still refuse connections when they throw or time out (fail closed). Restart the proxy to load it fresh',
  'failed-setup': 'its setup fails; the proxy keeps serving',
  stale: 'that version is no longer loaded; nothing to disable',
};

/** Installs the handlers; returns what removes them. */
export function installFaultHandlers(options: FaultHandlerOptions): () => void {
  const handle = faultHandler(options);
  const onException = (err: unknown): void => handle('uncaught exception', err);
  const onRejection = (reason: unknown): void => handle('unhandled rejection', reason);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

/** What the process handlers call, by itself so that tests can call it without a real fault. */
export function faultHandler(options: FaultHandlerOptions): (kind: FaultKind, err: unknown) => void {
  const { log } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const repeatMs = options.repeatMs ?? 60_000;
  const writeStderr = options.stderr ?? writeFd2;
  const lastLogged = new Map<string, Occasional>();

  /** `hook`: where the plugin's async context started; undefined when only the stack named the plugin. */
  function attributed(kind: Kind, err: unknown, owner: string, hook: string | undefined): void {
    const { action } = options.host()?.contain(owner, err) ?? { action: 'stale' as const };
    const plugin = pluginOf(owner);
    let throttle = lastLogged.get(owner);
    if (throttle === undefined) lastLogged.set(owner, (throttle = new Occasional(repeatMs)));
    const repeats = throttle.due();
    if (repeats === undefined) return;
    const fields = { plugin, hook, kind, action, err, code: 'IR_ERR_PLUGIN_FAULT', repeats: repeats || undefined };
    const where = hook !== undefined ? `in code run from ${hook}` : 'in its code, found by the stack';
    const msg = `plugin ${plugin} faulted outside its hooks (${kind} ${where}): ${messageOf(err)}; ${OUTCOME[action]}`;
    if (action === 'stale') log.warn(fields, msg);
    else log.error(fields, msg);
  }

  function unattributed(kind: Kind, err: unknown): void {
    if (kind === 'unhandled rejection') {
      log.error(
        { err, code: 'IR_ERR_PROCESS_UNHANDLED_REJECTION' },
        `a promise rejected with nobody handling it, and no plugin code raised it: ${messageOf(err)}. The proxy keeps serving ` +
          '(no code was interrupted). This is a bug in Infrarust: please report it with this log line',
      );
      return;
    }
    const why = 'the proxy itself threw at a point nobody expected, so its state cannot be trusted';
    log.fatal({ err, code: 'IR_ERR_PROCESS_UNCAUGHT' }, `uncaught exception not raised by plugin code: ${messageOf(err)}; ${why}. Exiting with code ${EXIT_INTERNAL_FAULT}`);
    writeStderr(`infrarust: uncaught exception in the proxy itself: ${messageOf(err)}; ${why}, so it exits (code ${EXIT_INTERNAL_FAULT}) for its supervisor to restart it [IR_ERR_PROCESS_UNCAUGHT]\n`);
    exit(EXIT_INTERNAL_FAULT);
  }

  function handle(kind: Kind, err: unknown): void {
    try {
      const scope = currentScope();
      const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : undefined;
      const owner = scope?.owner ?? (stack !== undefined ? options.host()?.ownerInStack(stack) : undefined);
      if (owner === undefined) return unattributed(kind, err);
      if (kind === 'uncaught exception') clearTimerThatThrew();
      attributed(kind, err, owner, scope?.hook);
    } catch (handlerErr) {
      writeStderr(`infrarust: the fault handler failed on ${kind} ${messageOf(err)}: ${messageOf(handlerErr)} [IR_ERR_PROCESS_UNCAUGHT]\n`);
      exit(EXIT_INTERNAL_FAULT);
    }
  }

  return handle;
}

/** When a timer's callback threw, its Timeout is the resource being run: clear it (a no-op for a one-shot). */
function clearTimerThatThrew(): void {
  const resource = executionAsyncResource() as { constructor?: { name?: string }; refresh?: unknown };
  if (resource.constructor?.name === 'Timeout' && typeof resource.refresh === 'function') clearInterval(resource as NodeJS.Timeout);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function writeFd2(text: string): void {
  try {
    writeSync(2, text);
  } catch {
    // stderr is gone; the log line above is all there is
  }
}
