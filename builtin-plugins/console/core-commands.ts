/**
 * The operator commands every proxy has: players, servers, plugins, config, status and stop.
 * Feature plugins add their own (the ban plugin: ban, unban, banlist…).
 */
import type { Command, CommandSource, ConnectionSummary, PluginContext, ServerSummary } from '../../sdk/index.ts';
import { broadcast, sendTo } from './messages.ts';
const SECRET_KEYS = /api_key|secret|password|token/i;
const DEFAULT_REASON = 'Kicked by an operator';

type Ctx = PluginContext<unknown>;
type Listed = ReturnType<Ctx['commands']['list']>[number];

/** `1 connection`, `2 connections`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function players(ctx: Ctx) {
  return ctx.proxy.connections().filter((c) => c.username !== undefined && c.phase !== 'closed');
}

function byName(ctx: Ctx, name: string | undefined) {
  const lower = name?.toLowerCase();
  return players(ctx).filter((c) => c.username!.toLowerCase() === lower);
}

function need(source: CommandSource, value: string | undefined, usage: string): value is string {
  if (value === undefined) source.reply(`usage: ${usage}`);
  return value !== undefined;
}

/** Replaces secret values before config is printed. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.test(k) && typeof v === 'string' ? '***' : redact(v)]));
}

function summaryLine(c: Listed): string {
  return `${c.name}${c.aliases.length > 0 ? ` (${c.aliases.join(', ')})` : ''} - ${c.description ?? ''} [${c.plugin}]`;
}

/** `help`: the list; `help <command>`: that command's usage, description and aliases. */
function help(ctx: Ctx, s: CommandSource, name: string | undefined): void {
  const all = ctx.commands.list();
  if (name === undefined) return s.reply(`${all.map(summaryLine).join('\n')}\nhelp <command> shows how to use one`);
  const lower = name.toLowerCase();
  const c = all.find((x) => x.name.toLowerCase() === lower || x.aliases.some((a) => a.toLowerCase() === lower));
  if (c === undefined) return s.reply(`unknown command "${name}"; help lists them`);
  const lines = [`usage: ${c.usage ?? c.name}`, `${c.description ?? ''} [${c.plugin}]`];
  if (c.aliases.length > 0) lines.push(`aliases: ${c.aliases.join(', ')}`);
  s.reply(lines.join('\n'));
}

/**
 * Ends each connection. A player still logging in sees the reason; a relayed connection is
 * closed without one (in passthrough its stream is the backend's), and the reply says so.
 */
function kickAll(ctx: Ctx, hits: ConnectionSummary[], reason: string): { shown: number; closed: number } {
  let shown = 0;
  for (const c of hits) {
    if (c.phase === 'login' || ctx.proxy.player(c.connectionId)?.mode === 'intercepted') shown++;
    ctx.proxy.disconnect(c.connectionId, reason);
  }
  return { shown, closed: hits.length - shown };
}

function kickReply(what: string, hits: ConnectionSummary[], result: { shown: number; closed: number }): string {
  if (result.closed === 0) return `kicked ${what}`;
  const how = 'closed without a reason shown to the player (a relayed passthrough connection carries the backend\'s stream, so the proxy cannot add a message)';
  return `kicked ${what}: ${result.closed === hits.length ? 'the connection was' : `${plural(result.closed, 'connection')} of ${hits.length} were`} ${how}`;
}

function kick(ctx: Ctx, s: CommandSource, [name, ...reason]: string[]): void {
  if (!need(s, name, 'kick <player> [reason]')) return;
  const hits = byName(ctx, name);
  if (hits.length === 0) return s.reply(`${name} is not connected`);
  s.reply(kickReply(name, hits, kickAll(ctx, hits, reason.join(' ') || DEFAULT_REASON)));
}

function kickIp(ctx: Ctx, s: CommandSource, [ip, ...reason]: string[]): void {
  if (!need(s, ip, 'kick-ip <ip> [reason]')) return;
  const hits = ctx.proxy.connections().filter((c) => c.remoteAddress === ip);
  if (hits.length === 0) return s.reply(`no connections from ${ip}`);
  s.reply(kickReply(`${plural(hits.length, 'connection')} from ${ip}`, hits, kickAll(ctx, hits, reason.join(' ') || DEFAULT_REASON)));
}

function status(ctx: Ctx): string {
  const p = ctx.proxy;
  const loaded = p.plugins().filter((x) => x.state === 'loaded').length;
  return `up ${Math.round(p.uptimeMs() / 1000)} s, ${plural(p.connections().length, 'connection')} (${plural(players(ctx).length, 'player')}), ` +
    `${plural(p.servers().length, 'server')}, ${plural(loaded, 'plugin')} loaded, RSS ${Math.round(process.memoryUsage().rss / 1048576)} MiB`;
}

export function coreCommands(ctx: Ctx): Command[] {
  const p = ctx.proxy;
  return [
    { name: 'help', aliases: ['?'], usage: 'help [command]', description: 'Lists the commands, or shows how to use one', execute: (s, [name]) => help(ctx, s, name) },
    { name: 'version', aliases: ['ver'], description: 'Shows the proxy version', execute: (s) => s.reply(`infrarust ${p.version}`) },
    { name: 'status', aliases: ['info'], description: 'Uptime, connections, servers, plugins', execute: (s) => s.reply(status(ctx)) },
    { name: 'list', aliases: ['players', 'who', 'online', 'ls'], description: 'Lists connected players', execute: (s) => { const list = players(ctx); s.reply(list.length === 0 ? 'no players connected' : list.map((c) => `${c.username} @ ${c.serverId ?? '?'} from ${c.remoteAddress} (#${c.connectionId})`).join('\n')); } },
    { name: 'find', usage: 'find <player>', description: 'Shows where a player is', execute: (s, [name]) => { if (!need(s, name, 'find <player>')) return; const hits = byName(ctx, name); s.reply(hits.length === 0 ? `${name} is not connected` : hits.map((c) => `${c.username} is on ${c.serverId ?? '?'} from ${c.remoteAddress}`).join('\n')); } },
    { name: 'kick', usage: 'kick <player> [reason]', description: 'Disconnects a player', execute: (s, args) => kick(ctx, s, args) },
    { name: 'kick-ip', usage: 'kick-ip <ip> [reason]', description: 'Disconnects every connection from an address', execute: (s, args) => kickIp(ctx, s, args) },
    { name: 'send', usage: 'send <player> <message>', description: 'Sends a chat message to one player (& or § colour codes)', execute: (s, args) => sendTo(ctx, s, args, 'send') },
    { name: 'broadcast', aliases: ['bc', 'say'], usage: 'broadcast <message>', description: 'Sends a chat message to every player the proxy can reach', execute: (s, args) => broadcast(ctx, s, args) },
    { name: 'msg', aliases: ['tell', 'whisper'], usage: 'msg <player> <message>', description: 'Messages one player as the console ("[Console] " before it)', execute: (s, args) => sendTo(ctx, s, args, 'msg') },
    { name: 'servers', aliases: ['backends'], description: 'Lists the configured servers', execute: (s) => s.reply(p.servers().map(serverLine).join('\n') || 'no servers configured') },
    { name: 'reload', description: 'Explains how config reloads', execute: (s) => s.reply('server files in servers_dir reload by themselves within a second; infrarust.toml is read at start (restart to apply it); plugins reload on edit with --dev') },
    { name: 'config', usage: 'config <key>', description: 'Shows infrarust.toml values (secrets hidden)', execute: (s, [key]) => s.reply(key === undefined ? 'usage: config <key>, e.g. config status_cache' : JSON.stringify(redact(p.describeConfig(key)) ?? null, null, 2)) },
    { name: 'plugins', aliases: ['pl'], description: 'Lists plugins', execute: (s) => s.reply(p.plugins().map((x) => `${x.id} ${x.version} ${x.source} ${x.state}${x.error !== undefined ? `: ${x.error}` : ''}`).join('\n') || 'no plugins') },
    { name: 'plugin', usage: 'plugin <id>', description: 'Shows one plugin', execute: (s, [id]) => { if (!need(s, id, 'plugin <id>')) return; const x = p.plugins().find((v) => v.id === id); s.reply(x === undefined ? `no plugin "${id}"` : JSON.stringify(x, null, 2)); } },
    {
      name: 'stop',
      aliases: ['shutdown', 'exit', 'quit'],
      usage: 'stop  (the proxy)  |  stop <server>  (a managed server)',
      description: 'Stops the proxy gracefully; with a server id, stops that managed server instead',
      execute: (s, [id]) => (id === undefined ? stopProxy(s, p) : stopServer(ctx, s, id)),
    },
  ];
}

/**
 * `lobby: play.test -> 10.0.0.1:25565 [up, 3], 10.0.0.2:25565 [DOWN, 0] (passthrough, round_robin, 3 connections)`:
 * each address with its health and live connections when the balancer tracks it, and for a
 * provided server where it came from (`, from docker@local: container mc1`).
 */
function serverLine(x: ServerSummary): string {
  const health = new Map((x.health ?? []).map((h) => [h.address, h]));
  const addresses = x.addresses.map((a) => {
    const h = health.get(a);
    return h === undefined ? a : `${a} [${h.healthy ? 'up' : 'DOWN'}, ${h.connections}]`;
  });
  // Addresses built from wildcard captures are not in the configured list.
  for (const h of health.values()) if (!x.addresses.includes(h.address)) addresses.push(`${h.address} [${h.healthy ? 'up' : 'DOWN'}, ${h.connections}]`);
  const balance = x.balance === undefined || x.balance === 'first_available' ? '' : `, ${x.balance}`;
  // Servers a provider offered say which one and from where (`from docker@local: container mc1`).
  const from = x.source === undefined || x.source === 'file' ? '' : `, from ${x.source}${x.origin === undefined ? '' : `: ${x.origin}`}`;
  return `${x.id}: ${x.domains.join(', ')} -> ${addresses.join(', ')} (${x.proxyMode}${balance}, ${plural(x.connections, 'connection')}${from})`;
}

function stopProxy(source: CommandSource, proxy: Ctx['proxy']): void {
  source.reply('stopping');
  proxy.shutdown();
}

/**
 * `stop <server>`: a typo'd or unmanaged id never stops the proxy. The managed server is stopped
 * through the `server-manager` service when that plugin is loaded.
 */
async function stopServer(ctx: Ctx, source: CommandSource, id: string): Promise<void> {
  const managers = ctx.services.get('server-manager');
  if (managers === undefined) return source.reply(`no server manager is loaded: "${id}" cannot be stopped (plain \`stop\` stops the proxy)`);
  if (managers.state(id) === undefined) return source.reply(`${id} is not a managed server; managed: ${managers.servers().join(', ') || 'none'} (plain \`stop\` stops the proxy)`);
  const r = await managers.stop(id);
  source.reply(r.ok ? `${id}: ${r.state}` : `${id}: ${r.reason}`);
}
