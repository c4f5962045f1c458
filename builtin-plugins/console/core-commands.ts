/**
 * The operator commands every proxy has: players, servers, plugins, config, status and stop.
 * Feature plugins add their own (the ban plugin: ban, unban, banlist…).
 */
import type { Command, CommandSource, PluginContext } from '../../sdk/index.ts';

const INTERCEPTED_ONLY = 'needs an intercepted proxy mode (client_only or offline): in passthrough the stream belongs to the backend';
const SECRET_KEYS = /api_key|secret|password|token/i;

type Ctx = PluginContext<unknown>;

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

export function coreCommands(ctx: Ctx): Command[] {
  const p = ctx.proxy;
  return [
    { name: 'help', aliases: ['?'], description: 'Lists the commands', execute: (s) => s.reply(ctx.commands.list().map((c) => `${c.name}${c.aliases.length > 0 ? ` (${c.aliases.join(', ')})` : ''} - ${c.description ?? ''} [${c.plugin}]`).join('\n')) },
    { name: 'version', aliases: ['ver'], description: 'Shows the proxy version', execute: (s) => s.reply(`infrarust ${p.version}`) },
    {
      name: 'status', aliases: ['info'], description: 'Uptime, connections, servers, plugins',
      execute: (s) => s.reply(`up ${Math.round(p.uptimeMs() / 1000)} s, ${p.connections().length} connections (${players(ctx).length} players), ${p.servers().length} servers, ${p.plugins().filter((x) => x.state === 'loaded').length} plugins loaded, RSS ${Math.round(process.memoryUsage().rss / 1048576)} MiB`),
    },
    { name: 'list', aliases: ['players', 'who', 'online', 'ls'], description: 'Lists connected players', execute: (s) => { const list = players(ctx); s.reply(list.length === 0 ? 'no players connected' : list.map((c) => `${c.username} @ ${c.serverId ?? '?'} from ${c.remoteAddress} (#${c.connectionId})`).join('\n')); } },
    { name: 'find', description: 'Shows where a player is', execute: (s, [name]) => { if (!need(s, name, 'find <player>')) return; const hits = byName(ctx, name); s.reply(hits.length === 0 ? `${name} is not connected` : hits.map((c) => `${c.username} is on ${c.serverId ?? '?'} from ${c.remoteAddress}`).join('\n')); } },
    { name: 'kick', description: 'Disconnects a player', execute: (s, [name, ...reason]) => { if (!need(s, name, 'kick <player> [reason]')) return; const hits = byName(ctx, name); for (const c of hits) p.disconnect(c.connectionId, reason.join(' ') || 'Kicked by an operator'); s.reply(hits.length === 0 ? `${name} is not connected` : `kicked ${name}`); } },
    { name: 'kick-ip', description: 'Disconnects every connection from an address', execute: (s, [ip, ...reason]) => { if (!need(s, ip, 'kick-ip <ip> [reason]')) return; const hits = p.connections().filter((c) => c.remoteAddress === ip); for (const c of hits) p.disconnect(c.connectionId, reason.join(' ') || 'Kicked by an operator'); s.reply(`closed ${hits.length} connection(s) from ${ip}`); } },
    { name: 'send', description: 'Moves a player to another server', execute: (s) => s.reply(`send ${INTERCEPTED_ONLY}`) },
    { name: 'broadcast', aliases: ['bc', 'say'], description: 'Messages every player', execute: (s) => s.reply(`broadcast ${INTERCEPTED_ONLY}`) },
    { name: 'msg', aliases: ['tell', 'whisper'], description: 'Messages one player', execute: (s) => s.reply(`msg ${INTERCEPTED_ONLY}`) },
    { name: 'servers', aliases: ['backends'], description: 'Lists the configured servers', execute: (s) => s.reply(p.servers().map((x) => `${x.id}: ${x.domains.join(', ')} -> ${x.addresses.join(', ')} (${x.proxyMode}, ${x.connections} connections)`).join('\n') || 'no servers configured') },
    { name: 'server', description: 'Shows one server', execute: (s, [id]) => { if (!need(s, id, 'server <id>')) return; const x = p.servers().find((v) => v.id === id); s.reply(x === undefined ? `no server "${id}"` : JSON.stringify(x, null, 2)); } },
    { name: 'reload', description: 'Explains how config reloads', execute: (s) => s.reply('server files in servers_dir reload by themselves within a second; infrarust.toml is read at start (restart to apply it); plugins reload on edit with --dev') },
    { name: 'config', description: 'Shows infrarust.toml values (secrets hidden)', execute: (s, [key]) => s.reply(key === undefined ? 'usage: config <key>, e.g. config status_cache' : JSON.stringify(redact(p.describeConfig(key)) ?? null, null, 2)) },
    { name: 'plugins', aliases: ['pl'], description: 'Lists plugins', execute: (s) => s.reply(p.plugins().map((x) => `${x.id} ${x.version} ${x.source} ${x.state}${x.error !== undefined ? `: ${x.error}` : ''}`).join('\n') || 'no plugins') },
    { name: 'plugin', description: 'Shows one plugin', execute: (s, [id]) => { if (!need(s, id, 'plugin <id>')) return; const x = p.plugins().find((v) => v.id === id); s.reply(x === undefined ? `no plugin "${id}"` : JSON.stringify(x, null, 2)); } },
    { name: 'stop', aliases: ['shutdown', 'exit', 'quit'], description: 'Stops the proxy gracefully', execute: (s) => { s.reply('stopping'); p.shutdown(); } },
  ];
}
