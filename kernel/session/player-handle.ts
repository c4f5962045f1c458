/**
 * The sdk's `Player` over a connection. An intercepted session's player is driven through its
 * PlayerChannel: each call encodes the packet for the channel's protocol and the client's state
 * right now (chat, titles, action bars and boss bars need play; a kick works in every state).
 * A passthrough player's stream is the backend's: every send answers `code: 'passthrough'`, and
 * a kick closes the connection without a message, as ProxyApi.disconnect does for a relay.
 */
import type { Socket } from 'node:net';
import type { BossBar, BossBarOptions, Player, PlayerResult, Text, TitleTimes } from '../../sdk/player.ts';
import { InfrarustError } from '../errors.ts';
import { encodeActionBar, encodeChatMessage } from '../protocol/packets/play-chat.ts';
import { encodeTitle } from '../protocol/packets/play-title.ts';
import { encodeBossBar } from '../protocol/packets/play-boss-bar.ts';
import { showBossBarWith } from '../protocol/packets/boss-bar-handle.ts';
import { encodeDisconnect } from '../protocol/packets/disconnect.ts';
import { PacketWriter } from '../protocol/packet-writer.ts';
import type { HandshakeInfo } from '../protocol/packets/handshake.ts';
import type { PlayerChannel } from './player-channel.ts';
import { channelPlayerRef } from './event-refs.ts';

type Failure = Extract<PlayerResult, { ok: false }>;

const OK: PlayerResult = Object.freeze({ ok: true });
const CLOSED: Failure = Object.freeze({ ok: false, code: 'closed', message: 'the player has left' });
/** What every send on a passthrough player answers. */
export const PASSTHROUGH: Failure = Object.freeze({
  ok: false,
  code: 'passthrough',
  message: 'not available in passthrough: the proxy does not own this stream (use proxy_mode client_only or offline)',
});

function unsupported(message: string): Failure {
  return { ok: false, code: 'unsupported', message };
}

/** Closed, or not in play: the reason a play-only call cannot be made now. */
function notInPlay(channel: PlayerChannel, what: string): Failure | undefined {
  if (channel.closed) return CLOSED;
  if (channel.clientState !== 'play') return unsupported(`${what} needs the play state; the client is in ${channel.clientState}`);
  return undefined;
}

function sendAll(channel: PlayerChannel, packets: Buffer | Buffer[] | undefined, what: string): PlayerResult {
  if (packets === undefined) return unsupported(`${what} does not exist for protocol ${channel.protocol}`);
  for (const p of Array.isArray(packets) ? packets : [packets]) channel.sendToClient(p);
  return OK;
}

function playSend(channel: PlayerChannel, what: string, encode: () => Buffer | Buffer[] | undefined): PlayerResult {
  return notInPlay(channel, what) ?? sendAll(channel, encode(), what);
}

/** A boss bar; packets only while the player is in play. */
function showBossBar(channel: PlayerChannel, options: BossBarOptions): BossBar | Failure {
  return notInPlay(channel, 'a boss bar') ?? showBossBarWith((id, change) => playSend(channel, 'a boss bar', () => encodeBossBar(channel.protocol, id, change)), options);
}

/**
 * `id + body` of a raw packet, checked: the id must be a VarInt the protocol can carry.
 * @example rawPacket(0x6c, body)
 */
function rawPacket(id: number, data: Uint8Array): Buffer {
  if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff) {
    throw new InfrarustError('IR_ERR_PROTO_FIELD_INVALID', `sendPacket: packet id ${id} is not a non-negative 32-bit integer`);
  }
  return Buffer.from(new PacketWriter(data.length + 5).varInt(id).bytes(data).toBuffer());
}

/**
 * The Player of an intercepted session, over its channel. Encoding problems of the plugin's own
 * making (a component over the protocol's length limit, a bad packet id) throw.
 * @example deps.players.add(createInterceptedPlayer(channel))
 */
export function createInterceptedPlayer(channel: PlayerChannel): Player {
  return {
    ...channelPlayerRef(channel),
    uuid: channel.profile.uuid,
    get serverId() {
      return channel.serverId;
    },
    mode: 'intercepted',
    verified: channel.verified,
    profile: channel.profile,
    sendMessage: (text: Text) => playSend(channel, 'a chat message', () => encodeChatMessage(channel.protocol, text)),
    sendTitle: (title: Text, subtitle?: Text, times?: TitleTimes) =>
      playSend(channel, 'a title', () => encodeTitle(channel.protocol, { title, subtitle, times })),
    sendActionBar: (text: Text) => playSend(channel, 'an action bar', () => encodeActionBar(channel.protocol, text)),
    showBossBar: (options) => showBossBar(channel, options),
    kick(reason) {
      if (channel.closed) return CLOSED;
      channel.close(encodeDisconnect(channel.protocol, channel.clientState, reason));
      return OK;
    },
    switchServer(serverId: string) {
      if (channel.closed) return Promise.resolve(CLOSED);
      if (channel.switchServer === undefined) return Promise.resolve(unsupported('this session cannot switch servers'));
      return channel.switchServer(serverId);
    },
    sendPacket(id, data, direction = 'clientbound') {
      if (channel.closed) return CLOSED;
      const packet = rawPacket(id, data);
      if (direction === 'serverbound') channel.sendToServer(packet);
      else channel.sendToClient(packet);
      return OK;
    },
  };
}

/** What a passthrough player is read from: the connection's context (structurally, for tests). */
export interface PassthroughConnection {
  readonly id: number;
  readonly remoteAddress: string;
  readonly handshake?: HandshakeInfo;
  readonly serverId?: string;
  readonly username?: string;
  readonly uuid?: string;
  readonly socket: Pick<Socket, 'destroy' | 'destroyed'>;
}

/**
 * A relayed passthrough connection's Player: identity from Login Start, every send answers
 * `PASSTHROUGH`, a kick closes the socket (no message can be added to the backend's stream).
 * A class, so an idle relay holds one small object (the methods live on the prototype).
 */
class PassthroughPlayer implements Player {
  readonly mode = 'passthrough';
  readonly verified = false;
  readonly profile = undefined;

  constructor(private readonly conn: PassthroughConnection) {}

  get connectionId(): number {
    return this.conn.id;
  }
  get username(): string {
    return this.conn.username ?? '';
  }
  get uuid(): string | undefined {
    return this.conn.uuid;
  }
  get remoteAddress(): string {
    return this.conn.remoteAddress;
  }
  get protocolVersion(): number {
    return this.conn.handshake?.protocolVersion ?? -1;
  }
  get serverId(): string | undefined {
    return this.conn.serverId;
  }

  private refuse(): Failure {
    return this.conn.socket.destroyed ? CLOSED : PASSTHROUGH;
  }
  sendMessage(): PlayerResult {
    return this.refuse();
  }
  sendTitle(): PlayerResult {
    return this.refuse();
  }
  sendActionBar(): PlayerResult {
    return this.refuse();
  }
  showBossBar(): Failure {
    return this.refuse();
  }
  sendPacket(): PlayerResult {
    return this.refuse();
  }
  switchServer(): Promise<PlayerResult> {
    return Promise.resolve(this.refuse());
  }
  kick(): PlayerResult {
    if (this.conn.socket.destroyed) return CLOSED;
    this.conn.socket.destroy();
    return OK;
  }
}

/**
 * The Player of a relayed passthrough connection (see PassthroughPlayer).
 * @example deps.players.add(createPassthroughPlayer(ctx))
 */
export function createPassthroughPlayer(conn: PassthroughConnection): Player {
  return new PassthroughPlayer(conn);
}
