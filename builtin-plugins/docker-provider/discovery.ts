/**
 * The discovery loop: a full scan, then the events stream; `start`/`unpause` (re)add a
 * container's server, `stop`/`die`/`kill`/`pause`/`destroy` remove it. When the Engine cannot be
 * reached, answers junk or the stream ends, the loop logs the cause, waits (`reconnect_delay`,
 * doubled per failure in a row, at most 60 s) and starts over with a full scan that reconciles
 * what changed meanwhile. Routes already known stay in service while the Engine is away.
 */
import type { Logger } from 'pino';
import type { ServerProviderHandle } from 'infrarust/sdk';
import { EngineError, followEvents, inspectContainer, listContainers, type ContainerEvent } from './engine.ts';
import { containerServer, isEnabled, labelForPath, type ContainerInfo } from './labels.ts';
import type { DockerEndpoint } from './options.ts';

const MAX_BACKOFF_MS = 60_000;
/** A stream that stayed up this long resets the backoff. */
const STABLE_MS = 10_000;
const ADD = new Set(['start', 'unpause', 'restart']);
const REMOVE = new Set(['stop', 'die', 'kill', 'pause', 'destroy', 'oom']);

export interface DiscoveryDeps {
  readonly endpoint: DockerEndpoint;
  readonly endpointText: string;
  readonly network: string | undefined;
  readonly reconnectDelayMs: number;
  readonly pollIntervalMs: number;
  readonly handle: ServerProviderHandle;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** The plugin's scheduler (owned timers). */
  readonly delay: (ms: number, task: () => void) => { cancel(): void };
}

export class Discovery {
  /** container id → the server id it provides. */
  private readonly byContainer = new Map<string, { serverId: string; name: string }>();
  /** Last problem logged per container, so a rescan does not repeat it. */
  private readonly reported = new Map<string, string>();
  private failures = 0;
  private poll: { cancel(): void } | undefined;

  constructor(private readonly deps: DiscoveryDeps) {}

  /** Runs until the signal aborts. */
  async run(): Promise<void> {
    while (!this.deps.signal.aborted) {
      const started = Date.now();
      try {
        await this.scan();
        await followEvents(this.deps.endpoint, this.deps.signal, {
          onOpen: () => this.schedulePoll(),
          onEvent: (e) => void this.onEvent(e),
          onJunk: (line) => this.deps.log.warn({ endpoint: this.deps.endpointText, line: line.slice(0, 120) }, 'skipped a Docker event that is not the documented JSON'),
        });
        if (this.deps.signal.aborted) return;
        this.deps.log.warn({ endpoint: this.deps.endpointText }, 'the Docker events stream ended; reconnecting');
      } catch (err) {
        if (this.deps.signal.aborted) return;
        this.deps.log.warn({ endpoint: this.deps.endpointText, cause: describe(err) }, 'Docker Engine API unavailable; known routes stay, retrying');
      }
      this.poll?.cancel();
      this.failures = Date.now() - started >= STABLE_MS ? 1 : this.failures + 1;
      await this.wait(Math.min(this.deps.reconnectDelayMs * 2 ** (this.failures - 1), MAX_BACKOFF_MS));
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const task = this.deps.delay(ms, resolve);
      this.deps.signal.addEventListener('abort', () => (task.cancel(), resolve()), { once: true });
    });
  }

  /** A full rescan every poll_interval while the stream is up: a safety net for a missed event. */
  private schedulePoll(): void {
    this.poll?.cancel();
    this.poll = this.deps.delay(this.deps.pollIntervalMs, () => {
      void this.scan().catch((err: unknown) => this.deps.log.warn({ cause: describe(err) }, 'Docker rescan failed'));
      this.schedulePoll();
    });
  }

  /** Lists the labelled containers and makes the routes match: adds new ones, drops vanished ones. */
  private async scan(): Promise<void> {
    const containers = await listContainers(this.deps.endpoint, this.deps.signal);
    const seen = new Set<string>();
    for (const c of containers) {
      if (!c.running || !isEnabled(c)) continue;
      seen.add(c.id);
      this.apply(c);
    }
    for (const id of [...this.byContainer.keys()]) if (!seen.has(id)) this.drop(id, 'gone at rescan');
    // Servers this provider id still offers that no container here stands for (taken over from
    // the previous version of the plugin after a hot reload): gone too.
    const mine = new Set([...this.byContainer.values()].map((s) => s.serverId));
    for (const serverId of this.deps.handle.ids()) if (!mine.has(serverId)) this.deps.handle.remove(serverId);
  }

  private async onEvent(e: ContainerEvent): Promise<void> {
    if (REMOVE.has(e.action)) return this.drop(e.id, e.action);
    if (!ADD.has(e.action)) return;
    try {
      const c = await inspectContainer(this.deps.endpoint, e.id, this.deps.signal);
      if (c === undefined || !c.running || !isEnabled(c)) return this.drop(e.id, 'not running');
      this.apply(c);
    } catch (err) {
      if (!this.deps.signal.aborted) this.deps.log.warn({ container: e.name || e.id.slice(0, 12), cause: describe(err) }, 'could not inspect a started container; the next rescan retries');
    }
  }

  /** Routes a container's server, or logs (once per distinct problem) why it cannot. */
  private apply(c: ContainerInfo): void {
    const built = containerServer(c, this.deps.network);
    const problems = 'problems' in built
      ? built.problems
      : this.offer(c, built.id, built.config, built.labelOf);
    const previous = this.byContainer.get(c.id);
    if (problems.length === 0) return void this.reported.delete(c.id);
    if (previous !== undefined) this.drop(c.id, 'labels no longer valid');
    const text = problems.map((p) => `${p.label}: ${p.message}`).join('; ');
    if (this.reported.get(c.id) === text) return;
    this.reported.set(c.id, text);
    this.deps.log.warn({ container: c.name, problems: text }, `container ${c.name} is not routed: invalid labels`);
  }

  private offer(c: ContainerInfo, serverId: string, config: Record<string, unknown>, labelOf: Readonly<Record<string, string>>): { label: string; message: string }[] {
    const owner = [...this.byContainer].find(([cid, s]) => s.serverId === serverId && cid !== c.id);
    if (owner !== undefined) return [{ label: 'infrarust.name', message: `server id "${serverId}" is already provided by container ${owner[1].name}` }];
    const previous = this.byContainer.get(c.id);
    const result = this.deps.handle.set(serverId, config, `container ${c.name}`);
    if (!result.ok) return result.problems.map((p) => ({ label: labelForPath(labelOf, p.path), message: `${p.path}: ${p.message}` }));
    for (const w of result.warnings) this.deps.log.warn({ container: c.name, server: serverId }, w);
    if (previous !== undefined && previous.serverId !== serverId) this.deps.handle.remove(previous.serverId);
    if (previous?.serverId !== serverId) this.deps.log.info({ container: c.name, server: serverId, domains: config.domains, addresses: config.addresses }, 'route added from a Docker container');
    this.byContainer.set(c.id, { serverId, name: c.name });
    return [];
  }

  private drop(containerId: string, why: string): void {
    this.reported.delete(containerId);
    const entry = this.byContainer.get(containerId);
    if (entry === undefined) return;
    this.byContainer.delete(containerId);
    this.deps.handle.remove(entry.serverId);
    this.deps.log.info({ container: entry.name, server: entry.serverId, why }, 'route removed: its Docker container left');
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return `no socket at ${(e as { address?: string }).address ?? 'the endpoint'} (ENOENT)`;
  if (e?.code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  if (e?.code === 'EACCES') return 'permission denied on the socket (EACCES)';
  return err instanceof EngineError || err instanceof Error ? err.message : String(err);
}
