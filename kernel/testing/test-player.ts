/**
 * Players for plugin tests (`infrarust/sdk/testing`): an intercepted one records what the plugin
 * sent it, as values (no packets); a passthrough one is the proxy's own passthrough Player, so it
 * answers `{ ok: false, code: 'passthrough' }` exactly as in production.
 *
 * @example
 * const steve = testPlayer({ username: 'Steve' });
 * const t = testContext({}, {}, { players: [steve] });
 * // … run the plugin …
 * assert.deepEqual(steve.sent, [{ kind: 'message', text: '§aHi' }]);
 */
import type { BossBar, BossBarOptions, Player, PlayerResult, Text, TitleTimes } from '../../sdk/player.ts';
import type { GameProfile } from '../../sdk/auth.ts';
import { createPassthroughPlayer } from '../session/player-handle.ts';

/** One thing a plugin did to a test player, in order. */
export type SentToPlayer =
  | { kind: 'message'; text: Text }
  | { kind: 'title'; title: Text; subtitle?: Text; times?: TitleTimes }
  | { kind: 'actionBar'; text: Text }
  | { kind: 'bossBar'; id: number; options: Partial<BossBarOptions> }
  | { kind: 'bossBarHidden'; id: number }
  | { kind: 'kick'; reason: Text }
  | { kind: 'packet'; id: number; data: Uint8Array; direction: 'clientbound' | 'serverbound' }
  | { kind: 'switch'; serverId: string };

export interface TestPlayerInit {
  username: string;
  /** Default 'intercepted'. */
  mode?: 'intercepted' | 'passthrough';
  connectionId?: number;
  uuid?: string;
  remoteAddress?: string;
  protocolVersion?: number;
  serverId?: string;
  verified?: boolean;
}

export interface TestPlayer extends Player {
  /** What the plugin sent (intercepted players; a passthrough player records nothing). */
  readonly sent: SentToPlayer[];
  /** True once kicked (then every call answers `code: 'closed'`). */
  readonly closed: boolean;
}

let nextConnectionId = 1000;
const OK: PlayerResult = { ok: true };
const CLOSED = { ok: false, code: 'closed', message: 'the player has left' } as const;

function passthroughPlayer(init: TestPlayerInit, connectionId: number): TestPlayer {
  const socket = { destroyed: false, destroy: () => ((socket.destroyed = true), socket as never) };
  const handshake = { protocolVersion: init.protocolVersion ?? 769, rawAddress: 'test', host: 'test', port: 25565, intent: 'login' as const };
  const player = createPassthroughPlayer({ id: connectionId, remoteAddress: init.remoteAddress ?? '127.0.0.1', serverId: init.serverId, username: init.username, uuid: init.uuid, handshake, socket });
  return Object.defineProperties(player, { sent: { value: [] }, closed: { get: () => socket.destroyed } }) as TestPlayer;
}

/** A player for `testContext`'s `players` (see the module example). */
export function testPlayer(init: TestPlayerInit): TestPlayer {
  const connectionId = init.connectionId ?? nextConnectionId++;
  if (init.mode === 'passthrough') return passthroughPlayer(init, connectionId);
  const sent: SentToPlayer[] = [];
  let closed = false;
  let bars = 0;
  const record = (entry: SentToPlayer): PlayerResult => (closed ? CLOSED : (sent.push(entry), OK));
  const profile: GameProfile = { uuid: init.uuid ?? '00000000-0000-3000-8000-000000000000', name: init.username, properties: [] };
  return {
    connectionId,
    username: init.username,
    uuid: profile.uuid,
    remoteAddress: init.remoteAddress ?? '127.0.0.1',
    protocolVersion: init.protocolVersion ?? 769,
    serverId: init.serverId,
    mode: 'intercepted',
    verified: init.verified ?? false,
    profile,
    sent,
    get closed() {
      return closed;
    },
    sendMessage: (text) => record({ kind: 'message', text }),
    sendTitle: (title, subtitle, times) => record({ kind: 'title', title, subtitle, times }),
    sendActionBar: (text) => record({ kind: 'actionBar', text }),
    showBossBar(options): BossBar | typeof CLOSED {
      if (closed) return CLOSED;
      const id = ++bars;
      record({ kind: 'bossBar', id, options });
      return { update: (changes) => record({ kind: 'bossBar', id, options: changes }), hide: () => record({ kind: 'bossBarHidden', id }) };
    },
    kick(reason) {
      const r = record({ kind: 'kick', reason });
      closed = true;
      return r;
    },
    sendPacket: (id, data, direction = 'clientbound') => record({ kind: 'packet', id, data, direction }),
    switchServer: (serverId) => Promise.resolve(record({ kind: 'switch', serverId })),
  };
}
