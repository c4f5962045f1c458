/**
 * Pre-netty login handshake (first byte 0x02), read only to route and to kick politely.
 *
 *   1.3–1.6    02, u8 protocol, legacy-string username, legacy-string host, i32 port
 *   ≤ 1.2.5    02, legacy-string "username;host:port"
 *
 * The two are told apart by the byte after 0x02: the old form's u16 length is below 256, so its
 * high byte is 0, while every 1.3+ protocol number (39–78) is non-zero.
 */
import { InfrarustError } from '../errors.ts';
import { readLegacyString } from './legacy-strings.ts';

export interface LegacyLogin {
  /** Absent in the ≤ 1.2.5 form, which sends its protocol in a later packet. */
  protocol?: number;
  username: string;
  host: string;
  /** 0 when the ≤ 1.2.5 form carried no port. */
  port: number;
}

const MAX_NAME = 16;
const MAX_HOST = 255;
/** Keeps the old form's length high byte 0, which is what tells the forms apart (vanilla read 64). */
const MAX_OLD_FORM = 255;

function invalid(message: string): InfrarustError {
  return new InfrarustError('IR_ERR_PROTO_HANDSHAKE_INVALID', message);
}

/** Parses the bytes received so far: the login handshake, or 'incomplete'. Throws on nonsense. */
export function parseLegacyLoginHandshake(buf: Buffer): LegacyLogin | 'incomplete' {
  if (buf.length === 0) return 'incomplete';
  if (buf[0] !== 0x02) throw invalid(`legacy login starts with 0x${buf[0].toString(16)}, expected 0x02`);
  if (buf.length < 2) return 'incomplete';
  return buf[1] === 0 ? parseOldForm(buf) : parseNewForm(buf);
}

function parseNewForm(buf: Buffer): LegacyLogin | 'incomplete' {
  const protocol = buf[1];
  const username = readLegacyString(buf, 2, MAX_NAME, 'username');
  if (username === null) return 'incomplete';
  const host = readLegacyString(buf, username.end, MAX_HOST, 'hostname');
  if (host === null || host.end + 4 > buf.length) return 'incomplete';
  const port = buf.readInt32BE(host.end);
  if (port < 0 || port > 0xffff) throw invalid(`legacy login port ${port} is out of range`);
  return { protocol, username: username.value, host: host.value, port };
}

function parseOldForm(buf: Buffer): LegacyLogin | 'incomplete' {
  const s = readLegacyString(buf, 1, MAX_OLD_FORM, 'login string');
  if (s === null) return 'incomplete';
  const semi = s.value.indexOf(';');
  const username = semi < 0 ? s.value : s.value.slice(0, semi);
  if (username.length === 0 || username.length > MAX_NAME) throw invalid(`legacy username ${JSON.stringify(username)} is invalid`);
  if (semi < 0) return { username, host: '', port: 0 };
  const address = s.value.slice(semi + 1);
  const colon = address.lastIndexOf(':');
  if (colon < 0) return { username, host: address, port: 0 };
  const portText = address.slice(colon + 1);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 0xffff) throw invalid(`legacy login port in ${JSON.stringify(address)} is invalid`);
  return { username, host: address.slice(0, colon), port };
}
