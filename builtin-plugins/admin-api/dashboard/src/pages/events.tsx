/** One line of text for each kind of live event. */
import type { FeedEvent } from '../api.ts';

export function describeEvent(e: FeedEvent): { text: string; tone: 'ok' | 'bad' | 'info' | 'muted' | 'warn' } {
  const d = e.data as Record<string, any>;
  switch (e.type) {
    case 'player.join':
      return { text: `${d.username} joined ${d.server}`, tone: 'ok' };
    case 'player.leave':
      return { text: `${d.username} left${d.server ? ` ${d.server}` : ''}`, tone: 'muted' };
    case 'player.switch':
      return { text: `${d.username} moved ${d.from ?? '?'} → ${d.to}`, tone: 'info' };
    case 'server.state_change':
      return { text: `${d.server} is ${d.next} (was ${d.previous})`, tone: d.next === 'crashed' ? 'bad' : d.next === 'online' ? 'ok' : 'warn' };
    case 'backend.health':
      return { text: `${d.server} ${d.address} ${d.healthy ? 'is healthy again' : `is unhealthy: ${d.reason}`}`, tone: d.healthy ? 'ok' : 'bad' };
    case 'ban.created':
      return { text: `Banned ${d.target?.type} ${d.target?.value}${d.reason ? `: ${d.reason}` : ''}`, tone: 'bad' };
    case 'ban.removed':
      return { text: `Unbanned ${d.target?.type} ${d.target?.value}`, tone: 'info' };
    case 'config.reload':
      return { text: `Configuration reloaded (${Array.isArray(d.servers) ? d.servers.length : '?'} servers)`, tone: 'info' };
    case 'connection.rejected':
      return { text: `Refused ${d.remote_address}: ${d.reason}`, tone: 'warn' };
    default:
      return { text: e.type, tone: 'muted' };
  }
}
