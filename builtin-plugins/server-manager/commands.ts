/**
 * Console commands: `start <server>`, `stop-server <server>` (v2's name: `stop` stops the proxy),
 * and `managed`, the managed servers with their states.
 */
import type { Command, CommandSource, ServerManagerService } from '../../sdk/index.ts';

function act(service: ServerManagerService, verb: 'start' | 'stop') {
  return async function serverManagerCommand(source: CommandSource, [id]: string[]): Promise<void> {
    if (id === undefined) return source.reply(`usage: ${verb === 'start' ? 'start' : 'stop-server'} <server>`);
    if (service.state(id) === undefined) return source.reply(`${id} is not a managed server (no [server_manager]); managed: ${service.servers().join(', ') || 'none'}`);
    const r = await (verb === 'start' ? service.start(id) : service.stop(id));
    source.reply(r.ok ? `${id}: ${r.state}` : `${id}: ${r.reason}`);
  };
}

export function managerCommands(service: ServerManagerService): Command[] {
  const complete = (_s: CommandSource, args: string[]) => (args.length <= 1 ? service.servers().filter((id) => id.startsWith(args[0] ?? '')) : []);
  return [
    { name: 'start', usage: 'start <server>', description: 'Starts a managed server', execute: act(service, 'start'), complete },
    { name: 'stop-server', usage: 'stop-server <server>', description: 'Stops a managed server gracefully', execute: act(service, 'stop'), complete },
    {
      name: 'managed',
      description: 'Lists the managed servers and their states',
      execute: function listManaged(source) {
        const lines = service.servers().map((id) => {
          const i = service.describe(id)!;
          return `${id} [${i.type}] ${i.state}, ${i.players} player(s)${i.lastError !== undefined ? ` - last error: ${i.lastError}` : ''}`;
        });
        source.reply(lines.join('\n') || 'no managed servers');
      },
    },
  ];
}
