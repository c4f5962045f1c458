/**
 * The Handshake (serverbound 0x00, handshaking state): the first packet of every modern
 * connection, and the only one a pure relay has to read to route.
 */
import { InfrarustError } from '../../errors.ts';
import { PacketReader } from '../packet-reader.ts';
import { PacketWriter, encodePacket } from '../packet-writer.ts';

export interface Handshake {
  protocolVersion: number;
  /** Server address as sent, markers and forwarding data included. */
  address: string;
  port: number;
  /** 1 status, 2 login, 3 transfer (1.20.5+). */
  nextState: 1 | 2 | 3;
}

/**
 * Default bound on the address field. Vanilla reads 255 chars; Forge appends `\0FML\0`,
 * `\0FML2\0` or `\0FML3\0` (6 chars) and other mods append short markers of their own, so we allow
 * 255 + 32. Setups that forward BungeeCord/TCPShield data in the address need far more: pass
 * `maxAddressChars` (Spigot's BungeeCord mode reads up to 32767).
 */
export const MAX_HANDSHAKE_ADDRESS = 255 + 32;

function invalid(message: string): InfrarustError {
  return new InfrarustError('IR_ERR_PROTO_HANDSHAKE_INVALID', message);
}

/**
 * Decodes a handshake packet (id + body from the splitter). Trailing bytes are ignored. A wrong id
 * or next state throws IR_ERR_PROTO_HANDSHAKE_INVALID; short or oversized fields keep their own
 * codes (IR_ERR_PROTO_TRUNCATED, IR_ERR_PROTO_STRING_TOO_LONG).
 */
export function decodeHandshake(packet: Buffer, maxAddressChars = MAX_HANDSHAKE_ADDRESS): Handshake {
  const r = new PacketReader(packet);
  const id = r.varInt();
  if (id !== 0x00) throw invalid(`first packet has id 0x${id.toString(16)}, expected the handshake 0x00`);
  const protocolVersion = r.varInt();
  const address = r.string(maxAddressChars);
  const port = r.u16();
  const nextState = r.varInt();
  if (nextState !== 1 && nextState !== 2 && nextState !== 3) {
    throw invalid(`handshake asks for state ${nextState}; only 1 (status), 2 (login), 3 (transfer) exist`);
  }
  return { protocolVersion, address, port, nextState };
}

/** A full uncompressed frame carrying `h`. Any next state is written as given (tests send bad ones). */
export function encodeHandshake(h: Omit<Handshake, 'nextState'> & { nextState: number }): Buffer {
  const body = new PacketWriter(16 + h.address.length * 3)
    .varInt(h.protocolVersion)
    .string(h.address)
    .u16(h.port)
    .varInt(h.nextState)
    .toBuffer();
  return encodePacket(0x00, body);
}

/**
 * Splits a handshake address into the routable host and the rest: everything from the first NUL
 * (Forge's `\0FML2\0`, BungeeCord's `\0ip\0uuid\0props`) is the marker, kept verbatim so the proxy can
 * re-append it. The host is lower-cased and loses one trailing dot ("Play.Example.com." routes as
 * "play.example.com").
 */
export function splitForgeMarker(address: string): { host: string; marker: string } {
  const nul = address.indexOf('\0');
  let host = nul < 0 ? address : address.slice(0, nul);
  const marker = nul < 0 ? '' : address.slice(nul);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return { host: host.toLowerCase(), marker };
}

export type Intent = 'status' | 'login' | 'transfer' | 'legacy-ping' | 'legacy-login';

/** A handshake as the proxy uses it: the routable host split from the raw address, the intent named. */
export interface HandshakeInfo {
  protocolVersion: number;
  /** The address exactly as the client sent it (Forge markers included). */
  rawAddress: string;
  /** Lower-cased host with Forge/BungeeCord data and a trailing dot removed: what routing uses. */
  host: string;
  port: number;
  intent: Intent;
}

const INTENTS = { 1: 'status', 2: 'login', 3: 'transfer' } as const;

export function handshakeInfo(hs: Handshake): HandshakeInfo {
  return { protocolVersion: hs.protocolVersion, rawAddress: hs.address, host: splitForgeMarker(hs.address).host, port: hs.port, intent: INTENTS[hs.nextState] };
}
