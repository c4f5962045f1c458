/**
 * The WASM guest test kit, exported with the plugin test kit as `infrarust/sdk/testing`: runs a
 * built component's handlers in-process for its author's own tests. The component goes through
 * the proxy's own path — transpiled by jco (cached per content hash), its imports checked against
 * the grants, run by the same adapter in its own worker with the same host imports — over
 * `testContext`'s layers, so `fire`, `commands`, `runTasks`, `limboHandlers`, RawPacket selections
 * and the test players behave as in the plugin test kit. Only the deadline differs: 1 s per call by
 * default (a test machine is not a production one).
 *
 * @example
 * import { loadGuest } from 'infrarust/sdk/testing';
 * const g = await loadGuest(new URL('./hello.wasm', import.meta.url), { config: { motd: 'hi' } });
 * try {
 *   assert.deepEqual(await g.command('hello', ['Ann']), ['Hello, Ann!']);
 *   const ping = await g.fire('ProxyPing', { conn, domain: 'a.test', response });
 * } finally {
 *   await g.close();
 * }
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlayerRef } from '../../sdk/events.ts';
import type { HandlerResult, LimboEntry, LimboSession } from '../../sdk/limbo.ts';
import type { PluginManifest } from '../../sdk/plugin.ts';
import type { PlayerResult, Text } from '../../sdk/player.ts';
import { checkImports } from '../plugin-system/wasm/capabilities.ts';
import { cachedComponent } from '../plugin-system/wasm/component-cache.ts';
import { guestPluginDefinition } from '../plugin-system/wasm/guest-plugin.ts';
import { testContext, type TestHarness, type TestProxy } from './plugin-test-kit.ts';

export interface GuestTestOptions {
  /** The plugin's own `[plugins.<id>]` keys (config-read). */
  config?: Record<string, unknown>;
  /** Opt-in capabilities granted (`[plugins.<id>] permissions`); default: plugin.json `capabilities`. */
  grants?: string[];
  /** Default: the plugin.json beside the .wasm. */
  manifest?: Partial<PluginManifest>;
  /** The proxy around the guest (players, servers…), as for `testContext`. */
  proxy?: TestProxy;
  /** Per event or command call; default 1000 ms. */
  callDeadlineMs?: number;
  /** Where transpiled components are kept; default `<tmpdir>/infrarust-guest-test-cache`. */
  cacheDir?: string;
}

/** A chat line, a message or the end of a hold, seen by a test limbo session. */
export interface TestLimboSession extends LimboSession {
  /** What the guest sent the player (send-message). */
  readonly messages: Text[];
  /** Set once the guest completed the hold. */
  readonly completed: HandlerResult | undefined;
  /** Types a chat line while the handler holds the player (calls on-chat). */
  chat(message: string): Promise<void>;
  /** Types a command (without '/') the proxy's own commands do not take (calls on-command). */
  command(name: string, args?: string[]): Promise<void>;
  /** The player leaves (calls on-leave). */
  leave(): void;
}

export interface GuestHarness extends TestHarness<Record<string, unknown>> {
  /** Runs a command the guest registered (by name or alias), as `sender` or the console; returns the reply lines. */
  command(name: string, args?: string[], sender?: string): Promise<string[]>;
  /**
   * A packet through the guest's codec filters (RawPacket selections, state play): `'pass'`,
   * `'drop'`, or the replacement body.
   */
  filter(direction: 'serverbound' | 'clientbound', packetId: number, data: Uint8Array, player?: Partial<PlayerRef>): Promise<'pass' | 'drop' | Uint8Array>;
  /** A player entering the guest's limbo handler `name`: its decision and the session to go on with. */
  enterLimbo(name: string, player?: Partial<PlayerRef>): Promise<{ result: HandlerResult; session: TestLimboSession }>;
  /** Runs on-disable, ends the guest's worker and unloads its registrations. */
  close(): Promise<void>;
}

const DEFAULT_PLAYER: PlayerRef = { connectionId: 1, username: 'Steve', remoteAddress: '127.0.0.1', protocolVersion: 769 };

export async function loadGuest(wasm: string | URL, options: GuestTestOptions = {}): Promise<GuestHarness> {
  const file = wasm instanceof URL ? fileURLToPath(wasm) : wasm;
  const bytes = await readFile(file);
  const fromDisk = await readFile(join(dirname(file), 'plugin.json'), 'utf8').then((t) => JSON.parse(t) as Partial<PluginManifest>, () => ({}));
  const manifest: PluginManifest = { id: basename(file, '.wasm'), version: '0.0.0', apiVersion: '*', main: basename(file), ...fromDisk, ...options.manifest };
  const component = await cachedComponent(bytes, options.cacheDir ?? join(tmpdir(), 'infrarust-guest-test-cache'), `plugin ${manifest.id} (${file})`);
  checkImports(manifest.id, component.imports, { permissions: options.grants ?? manifest.capabilities ?? [], deny: [] });
  const config = options.config ?? {};
  const t = testContext(config, manifest, options.proxy);
  const definition = guestPluginDefinition({ dir: component.dir, manifest, config, callDeadlineMs: options.callDeadlineMs ?? 1000, lifecycleDeadlineMs: 10_000 });
  await definition.setup(t.ctx as never);
  let closed = false;
  const harness: GuestHarness = Object.create(t, Object.getOwnPropertyDescriptors({
    async command(name: string, args: string[] = [], sender?: string): Promise<string[]> {
      const replies: string[] = [];
      const source = { reply: (s: string) => void replies.push(s), hasPermission: () => true, ...(sender === undefined ? {} : { player: { ...DEFAULT_PLAYER, username: sender } }) };
      if (!(await t.ctx.commands.run(name, source as never, args))) throw new Error(`the guest registered no command "${name}"`);
      return replies;
    },
    async filter(direction: 'serverbound' | 'clientbound', packetId: number, data: Uint8Array, player?: Partial<PlayerRef>) {
      const event = await t.fire('RawPacket', { player: { ...DEFAULT_PLAYER, ...player }, direction, state: 'play', packetId, data });
      const r = event.result;
      return r?.type === 'drop' ? 'drop' : r?.type === 'modify' ? r.value : 'pass';
    },
    async enterLimbo(name: string, player?: Partial<PlayerRef>) {
      const handler = t.limboHandlers.get(name);
      if (handler === undefined) throw new Error(`the guest registered no limbo handler "${name}"`);
      const session = testSession({ ...DEFAULT_PLAYER, ...player }, handler);
      const result = await handler.onPlayerEnter(session);
      return { result, session };
    },
    async close() {
      if (closed) return;
      closed = true;
      await definition.teardown?.();
      t.unload();
    },
  }));
  return harness;
}

function testSession(player: PlayerRef, handler: { onChat?(s: LimboSession, m: string): unknown; onCommand?(s: LimboSession, c: string, a: string[]): unknown; onLeave?(s: LimboSession): void }): TestLimboSession {
  const ok: PlayerResult = { ok: true };
  const messages: Text[] = [];
  const entry: LimboEntry = { type: 'initial' };
  const session: TestLimboSession = {
    player: { ...player, profile: undefined, verified: false },
    entry,
    messages,
    completed: undefined,
    get active() {
      return session.completed === undefined;
    },
    sendMessage: (text) => (messages.push(text), ok),
    sendTitle: () => ok,
    sendActionBar: () => ok,
    showBossBar: () => ({ ok: false, code: 'closed', message: 'no boss bars in the guest test kit' }) as never,
    kick: (reason) => ((session as { completed: HandlerResult }).completed = { type: 'deny', reason }, ok),
    complete: (result) => void ((session as { completed: HandlerResult | undefined }).completed ??= result),
    chat: async (message) => void (await handler.onChat?.(session, message)),
    command: async (name, args = []) => void (await handler.onCommand?.(session, name, args)),
    leave: () => handler.onLeave?.(session),
  };
  return session;
}
