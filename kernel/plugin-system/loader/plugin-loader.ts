/**
 * How the host turns a discovered candidate into a plugin definition. One loader per kind of
 * plugin (native TypeScript folders today, `.wasm` components next); the host asks each loader
 * in turn whether it takes a candidate, so a new kind is one more loader, not a change to the host.
 */
import type { PluginDefinition } from '../../../sdk/plugin.ts';
import type { Candidate } from '../host/discovery.ts';

export interface LoadedPlugin {
  definition: PluginDefinition<unknown>;
}

export interface PluginLoader {
  /** Shown in logs and `plugin list`, e.g. "native". */
  readonly kind: string;
  /** Whether this loader loads `candidate` (by its entry file). */
  accepts(candidate: Candidate): boolean;
  /** Loads (or reloads) the candidate's code and returns its definition; its setup has not run. */
  load(candidate: Candidate): Promise<LoadedPlugin>;
  /** Frees what is kept for plugin `id` (it was removed). */
  dispose(id: string): Promise<void>;
  /** Frees what can be rebuilt on demand once every plugin is loaded (production). */
  idle(): Promise<void>;
  /** Frees everything (shutdown). */
  close(): Promise<void>;
  /** Called once by the host that uses this loader (WASM guests quarantine themselves through it). */
  bindHost?(host: LoaderHost): void;
}

/** What a loader's plugins may ask of the host. */
export interface LoaderHost {
  /** Disables the plugin loaded with `context` until it is reloaded (state `quarantined`). */
  quarantine(context: object, reason: string, err?: unknown): Promise<boolean>;
}

/** The loader that takes `candidate`, or undefined. */
export function loaderFor(loaders: readonly PluginLoader[], candidate: Candidate): PluginLoader | undefined {
  return loaders.find((l) => l.accepts(candidate));
}
