/** Test helpers for the hooks: a PlayerChannel that records packets, and the deps around it. */
import { pino } from 'pino';
import type { Command } from '../../../sdk/commands.ts';
import type { Text } from '../../../sdk/player.ts';
import { EventBus } from '../../layers/event-bus.ts';
import { NamedRegistry } from '../../layers/registries.ts';
import { recordingLogger } from '../../layers/test-logger.ts';
import type { PlayerChannel } from '../player-channel.ts';
import { createSessionHooks, type PermissionsConfig } from './index.ts';

export function fakeChannel(protocol: number, options: { name?: string; uuid?: string; verified?: boolean } = {}) {
  const toClient: Buffer[] = [];
  const toServer: Buffer[] = [];
  const channel: PlayerChannel = {
    connectionId: 7,
    protocol,
    profile: { uuid: options.uuid ?? '069a79f4-44e9-4726-a5be-fca90e38aaf5', name: options.name ?? 'Steve', properties: [] },
    verified: options.verified ?? true,
    remoteAddress: '127.0.0.1',
    serverId: 'lobby',
    clientState: 'play',
    serverState: 'play',
    closed: false,
    sendToClient: (p) => void toClient.push(p),
    sendToServer: (p) => void toServer.push(p),
    close: () => undefined,
  };
  return { channel, toClient, toServer };
}

export function hookWorld(permissions: Partial<PermissionsConfig> = {}, announce = true) {
  const events = new EventBus({ logger: recordingLogger() });
  const commands = new NamedRegistry<Command>('command');
  const replies: Text[] = [];
  const players = { get: (id: number) => (id === 7 ? { sendMessage: (t: Text) => void replies.push(t) } : undefined) };
  const config: PermissionsConfig = { provider: 'builtin', admins: [], player_commands: [], trust_offline_admins: false, ...permissions };
  const log = pino({ level: 'silent' });
  const { hooks, permissions: perms } = createSessionHooks({ events, commands, players, permissions: () => config, announceCommands: () => announce, log });
  return { events, commands, replies, hooks, perms, chat: hooks[0], tree: hooks[1] };
}

/** Lets detached work (a proxy command's execute) finish. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
