/**
 * The host side of each WIT import: one function per `<interface>.<function>` the worker names,
 * answered synchronously on the main thread through the plugin's ordinary `ctx` (so every
 * registration lands in its ledger). Results use jco's shape: `{ tag: 'ok' | 'err', val }`.
 */
import type { EventName } from '../../../sdk/events.ts';
import { EVENT_INFO } from '../../../sdk/events.ts';
import type { PluginContext } from '../../../sdk/plugin.ts';
import type { Player } from '../../../sdk/player.ts';
import { codecFilterImports } from './cap-codec-filter.ts';
import { limboImports } from './cap-limbo.ts';
import { serviceImports } from './cap-services.ts';
import { toText, type Registrations } from './registrations.ts';

export type { Registrations } from './registrations.ts';

type Source = { player?: { username: string }; reply(text: string): void };

export interface HostImportDeps {
  ctx: PluginContext<unknown>;
  regs: () => Registrations;
  config: Record<string, unknown>;
  onEvent: (id: number, name: EventName) => (event: never) => Promise<never>;
  onCommand: (name: string) => (source: Source, args: string[]) => Promise<void>;
  onTask: (id: number) => void;
  /** Calls another guest export (`codecFilterGuest.filterBatch`, `limboGuest.onChat`…) with the call deadline. */
  call: (method: string, args: unknown[]) => Promise<unknown>;
  /** "plugin <id>", for messages. */
  label: string;
}

const ok = (val?: unknown) => ({ tag: 'ok', val });
const err = (val: unknown) => ({ tag: 'err', val });
/** Events a WASM guest may subscribe to: RawPacket needs the raw-packet capability (not in 0.1.0). */
const SUBSCRIBABLE = new Set(Object.keys(EVENT_INFO).filter((n) => n !== 'RawPacket'));

export function hostImports(deps: HostImportDeps): (op: string, args: unknown[]) => unknown {
  const { ctx } = deps;
  const table: Record<string, (...args: never[]) => unknown> = {
    'events.subscribe': (name: string, priority: number) => {
      if (!SUBSCRIBABLE.has(name)) return err(`unknown event "${name}"`);
      const regs = deps.regs();
      const id = regs.nextId++;
      regs.listeners.set(id, ctx.events.on(name as EventName, deps.onEvent(id, name as EventName) as never, { priority }));
      return ok(BigInt(id));
    },
    'events.unsubscribe': (id: bigint) => once(deps.regs().listeners, Number(id)),
    'commands.register': (spec: { name: string; aliases: string[]; description?: string; usage?: string; permission?: string }) => {
      const regs = deps.regs();
      if (regs.commands.has(spec.name)) return err(`command "${spec.name}" is already registered`);
      try {
        regs.commands.set(spec.name, ctx.commands.register({ name: spec.name, aliases: spec.aliases, description: spec.description ?? undefined, usage: spec.usage ?? undefined, permission: spec.permission ?? undefined, execute: deps.onCommand(spec.name) }));
        return ok();
      } catch (e) {
        return err((e as Error).message);
      }
    },
    'commands.unregister': (name: string) => once(deps.regs().commands, name),
    'scheduler.delay': (ms: number) => schedule(deps, ms, false),
    'scheduler.interval': (ms: number) => schedule(deps, ms, true),
    'scheduler.cancel': (id: bigint) => once(deps.regs().tasks, Number(id)),
    'config-read.config': () => JSON.stringify(deps.config),
    'player-read.all': () => ctx.proxy.players().map(witPlayer),
    'player-read.find': (query: string) => {
      const p = ctx.proxy.player(query);
      return p === undefined ? null : witPlayer(p);
    },
    'server-read.all': () => ctx.proxy.servers().map((s) => ({ id: s.id, domains: [...s.domains], addresses: [...s.addresses], proxyMode: s.proxyMode, connections: s.connections })),
    'player-write.send-message': (conn: number, text: string) => act(ctx, conn, (p) => p.sendMessage(toText(text))),
    'player-write.send-title': (conn: number, title: string, subtitle?: string) => act(ctx, conn, (p) => p.sendTitle(toText(title), subtitle == null ? undefined : toText(subtitle))),
    'player-write.send-action-bar': (conn: number, text: string) => act(ctx, conn, (p) => p.sendActionBar(toText(text))),
    'player-write.kick': (conn: number, reason: string) => act(ctx, conn, (p) => p.kick(toText(reason))),
    'player-write.switch-server': (conn: number, server: string) => act(ctx, conn, (p) => (void p.switchServer(server), { ok: true })),
    ...serviceImports(ctx, ctx.manifest.id),
    ...codecFilterImports(deps),
    ...limboImports(deps),
  };
  return (op, args) => {
    const fn = table[op];
    if (fn === undefined) throw new Error(`no host function ${op}`);
    return fn(...(args as never[]));
  };
}

function once<K>(map: Map<K, () => void>, key: K): boolean {
  const undo = map.get(key);
  if (undo === undefined) return false;
  map.delete(key);
  undo();
  return true;
}

function schedule(deps: HostImportDeps, ms: number, repeat: boolean): bigint {
  const regs = deps.regs();
  const id = regs.nextId++;
  const run = (): void => {
    if (!repeat) deps.regs().tasks.delete(id);
    deps.onTask(id);
  };
  const task = repeat ? deps.ctx.scheduler.interval(Math.max(1, ms), run) : deps.ctx.scheduler.delay(Math.max(0, ms), run);
  regs.tasks.set(id, () => task.cancel());
  return BigInt(id);
}

function witPlayer(p: Player) {
  return { connectionId: p.connectionId, username: p.username, uuid: p.uuid ?? null, remoteAddress: p.remoteAddress, protocolVersion: p.protocolVersion, serverId: p.serverId ?? null, mode: p.mode };
}


function act(ctx: PluginContext<unknown>, conn: number, fn: (p: Player) => { ok: boolean; code?: string; message?: string }) {
  const p = ctx.proxy.player(conn);
  if (p === undefined) return err({ tag: 'not-found', val: `no player with connection id ${conn}` });
  const r = fn(p);
  return r.ok ? ok() : err({ tag: 'unsupported', val: r.message ?? r.code ?? 'refused' });
}
