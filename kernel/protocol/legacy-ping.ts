/**
 * Pre-netty server list pings (first byte 0xFE) and the 0xFF kick that answers them.
 *
 *   Beta 1.8–1.3  FE                      (then the client waits)
 *   1.4–1.5       FE 01                   (then the client waits)
 *   1.6           FE 01 FA, "MC|PingHost" plugin message: u16 data length, u8 protocol,
 *                 legacy-string hostname, i32 port
 *
 * The short forms are prefixes of the long one, so only silence tells them apart: parseLegacyPing
 * answers 'incomplete' until the caller, after a short timeout, calls it again with `ended`.
 */
import { InfrarustError } from '../errors.ts';
import { encodeLegacyString, readLegacyString } from './legacy-strings.ts';

export type LegacyPingKind = 'beta' | '1.4' | '1.6';

export interface LegacyPing {
  kind: LegacyPingKind;
  /** 1.6 only: the client's protocol number (e.g. 78 for 1.6.4). */
  protocol?: number;
  host?: string;
  port?: number;
}

export interface LegacyPingInfo {
  protocol: number;
  versionName: string;
  motd: string;
  online: number;
  max: number;
}

const PING_HOST_CHANNEL = 'MC|PingHost';
const MAX_HOST = 255;
/** Longest reason a 1.4–1.6 client reads; Beta clients stop at 100. */
const MAX_KICK_MODERN = 256;
const MAX_KICK_BETA = 100;

function invalid(message: string): InfrarustError {
  return new InfrarustError('IR_ERR_PROTO_HANDSHAKE_INVALID', message);
}

/**
 * Parses the bytes received so far. Returns null when they are not a legacy ping (a modern frame
 * whose length VarInt starts with 0xFE, e.g. `FE 01 00`: treat the stream as modern), 'incomplete'
 * when more bytes may come, or the ping. Pass `ended` once no more bytes are expected.
 */
export function parseLegacyPing(buf: Buffer, ended = false): LegacyPing | 'incomplete' | null {
  if (buf.length === 0) return 'incomplete';
  if (buf[0] !== 0xfe) return null;
  if (buf.length === 1) return ended ? { kind: 'beta' } : 'incomplete';
  if (buf[1] !== 0x01) return null;
  if (buf.length === 2) return ended ? { kind: '1.4' } : 'incomplete';
  if (buf[2] !== 0xfa) return null;
  const ping = parsePingHost(buf);
  if (ping === null && ended) throw invalid('legacy 1.6 ping ended before its MC|PingHost message was complete');
  return ping ?? 'incomplete';
}

/** The MC|PingHost plugin message after `FE 01 FA`; null if incomplete. */
function parsePingHost(buf: Buffer): LegacyPing | null {
  const channel = readLegacyString(buf, 3, PING_HOST_CHANNEL.length, 'ping channel');
  if (channel === null) return null;
  if (channel.value !== PING_HOST_CHANNEL) throw invalid(`legacy ping on channel ${JSON.stringify(channel.value)}`);
  // u16 data length: not checked, third-party pingers get it wrong and the fields are self-delimiting.
  let pos = channel.end + 2;
  if (pos + 1 > buf.length) return null;
  const protocol = buf[pos++];
  const host = readLegacyString(buf, pos, MAX_HOST, 'ping hostname');
  if (host === null || host.end + 4 > buf.length) return null;
  const port = buf.readInt32BE(host.end);
  if (port < 0 || port > 0xffff) throw invalid(`legacy ping port ${port} is out of range`);
  return { kind: '1.6', protocol, host: host.value, port };
}

/** The 0xFF kick packet: a legacy string, cut to `maxChars` (longer ones make the client fail). */
export function encodeLegacyKick(reason: string, maxChars = MAX_KICK_MODERN): Buffer {
  const str = encodeLegacyString(reason.length > maxChars ? reason.slice(0, maxChars) : reason);
  const out = Buffer.allocUnsafe(1 + str.length);
  out[0] = 0xff;
  str.copy(out, 1);
  return out;
}

/**
 * The kick that answers a legacy ping of `kind`. 1.4+: `§1\0protocol\0version\0motd\0online\0max`;
 * Beta: `motd§online§max` with formatting codes removed. The MOTD is shortened to fit the client's limit.
 */
export function legacyPingReply(kind: LegacyPingKind, info: LegacyPingInfo): Buffer {
  if (kind === 'beta') {
    const tail = `§${info.online}§${info.max}`;
    const motd = stripFormatting(info.motd).slice(0, Math.max(0, MAX_KICK_BETA - tail.length));
    return encodeLegacyKick(motd + tail, MAX_KICK_BETA);
  }
  const clean = (s: string) => s.replace(/\0/g, '');
  const head = `§1\0${info.protocol}\0${clean(info.versionName)}\0`;
  const tail = `\0${info.online}\0${info.max}`;
  const motd = clean(info.motd).slice(0, Math.max(0, MAX_KICK_MODERN - head.length - tail.length));
  return encodeLegacyKick(head + motd + tail);
}

/** Removes `§x` formatting codes and stray `§`, which Beta uses as its field separator. */
function stripFormatting(s: string): string {
  return s.replace(/§./gs, '').replace(/§/g, '');
}
