/**
 * The routing table's inputs: the servers/ files and each provider's servers (the Docker
 * provider's containers), merged into the one id → server map the proxy routes with.
 *
 * Precedence, the same on every merge so the outcome never depends on timing: a server file wins
 * over a provided server with the same id (warned once per conflict), and between providers the
 * one registered first wins.
 */
import type { LoadedServer } from '../config/index.ts';

/** Where a merged server came from: `file`, or a provider id with the provider's own origin. */
export interface ServerOrigin {
  readonly source: string;
  readonly origin?: string;
}

export interface ProvidedEntry {
  readonly server: LoadedServer;
  /** e.g. `container mc1`. */
  readonly origin: string;
}

export interface ServerSourcesOptions {
  /** Called with the merged map after every change. */
  apply(servers: ReadonlyMap<string, LoadedServer>): void;
  warn(line: object, message: string): void;
}

const FILE: ServerOrigin = { source: 'file' };

export class ServerSources {
  private files: ReadonlyMap<string, LoadedServer> = new Map();
  /** Insertion order is registration order (precedence between providers). */
  private readonly providers = new Map<string, Map<string, ProvidedEntry>>();
  /** The current registration of each provider id (a hot-reloaded plugin registers again). */
  private readonly generations = new Map<string, number>();
  private nextGeneration = 1;
  private origins = new Map<string, ServerOrigin>();
  /** Conflicts already warned about (`id provider`), so a merge does not repeat them. */
  private warned = new Set<string>();

  constructor(private readonly options: ServerSourcesOptions) {}

  setFiles(files: ReadonlyMap<string, LoadedServer>): void {
    this.files = files;
    this.merge();
  }

  /**
   * Registers provider `id` and returns its generation. Registering an id again (the new version
   * of a hot-reloaded plugin, set up before the old one unloads) takes the slot over with its
   * servers, so routes never blink; the older generation's calls are ignored from then on.
   */
  addProvider(id: string): number {
    if (!this.providers.has(id)) this.providers.set(id, new Map());
    const generation = this.nextGeneration++;
    this.generations.set(id, generation);
    return generation;
  }

  /** Whether `generation` is still the current registration of provider `id`. */
  isCurrent(id: string, generation: number): boolean {
    return this.generations.get(id) === generation;
  }

  /** Sets (or, with `entry` undefined, removes) one provided server and re-merges. */
  setProvided(provider: string, id: string, entry: ProvidedEntry | undefined): void {
    const slot = this.providers.get(provider);
    if (slot === undefined) return;
    if (entry === undefined) slot.delete(id);
    else slot.set(id, entry);
    this.merge();
  }

  /** Removes provider `id` with its servers, if `generation` is still its current registration. */
  removeProvider(id: string, generation: number): void {
    if (!this.isCurrent(id, generation)) return;
    this.generations.delete(id);
    if (this.providers.delete(id)) this.merge();
  }

  providedIds(provider: string): string[] {
    return [...(this.providers.get(provider)?.keys() ?? [])];
  }

  /** Why `id` of `provider` is not routed (shadowed by a file or an earlier provider), if it is not. */
  shadowOf(provider: string, id: string): string | undefined {
    const file = this.files.get(id);
    if (file !== undefined) return `server file ${file.file}`;
    for (const [other, slot] of this.providers) {
      if (other === provider) return undefined;
      if (slot.has(id)) return `provider ${other}`;
    }
    return undefined;
  }

  originOf(id: string): ServerOrigin | undefined {
    return this.origins.get(id);
  }

  private merge(): void {
    const merged = new Map(this.files);
    const origins = new Map<string, ServerOrigin>([...this.files.keys()].map((id) => [id, FILE]));
    const conflicts = new Set<string>();
    for (const [provider, slot] of this.providers) {
      for (const [id, entry] of slot) {
        const holder = origins.get(id);
        if (holder === undefined) {
          merged.set(id, entry.server);
          origins.set(id, { source: provider, origin: entry.origin });
          continue;
        }
        const key = `${id} ${provider}`;
        conflicts.add(key);
        if (this.warned.has(key)) continue;
        const winner = holder.source === 'file' ? `the server file ${this.files.get(id)?.file}` : `provider ${holder.source}`;
        this.options.warn({ server: id, provider, origin: entry.origin }, `server id "${id}" from ${provider} (${entry.origin}) is also defined by ${winner}; using ${winner}`);
      }
    }
    this.warned = conflicts;
    this.origins = origins;
    this.options.apply(merged);
  }
}
