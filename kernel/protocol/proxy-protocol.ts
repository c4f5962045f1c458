/**
 * The HAProxy PROXY protocol (https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt):
 * a pure parser that auto-detects v1 (text) and v2 (binary) headers, and a v2 encoder for the
 * header sent to backends. No sockets here: `kernel/net/proxy-header.ts` does the I/O.
 */
import { isIP } from 'node:net';
import { InfrarustError } from '../errors.ts';

/** The most bytes a header may take, v1 or v2 (v2's 16 fixed bytes + 520 of addresses and TLVs). */
export const PROXY_HEADER_MAX = 536;
/** A v1 line, CRLF included, is at most this long. */
const V1_MAX = 107;
const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
export const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V2_FIXED = 16;

export interface ProxyAddress {
  address: string;
  port: number;
}

export type ProxyHeader =
  | { kind: 'incomplete' }
  | {
      kind: 'v1' | 'v2';
      /** LOCAL: the proxy's own connection (a health check); the peer address stays. */
      command: 'PROXY' | 'LOCAL';
      /** The real client. Absent for LOCAL, v1 UNKNOWN and v2 UNSPEC: keep the socket's peer. */
      source?: ProxyAddress;
      destination?: ProxyAddress;
      /** Bytes the header took; whatever follows belongs to the proxied protocol. */
      headerLength: number;
    };

function malformed(why: string): InfrarustError {
  return new InfrarustError('IR_ERR_PROTO_PROXY_HEADER', `invalid PROXY protocol header: ${why}`);
}

/** True while `buf` is still a prefix of `marker` (or starts with all of it). */
function startsLike(buf: Buffer, marker: Buffer): boolean {
  const n = Math.min(buf.length, marker.length);
  return buf.subarray(0, n).equals(marker.subarray(0, n));
}

/**
 * Parses the header at the start of `buf`: `incomplete` until enough bytes are there, the
 * header once they are. Throws IR_ERR_PROTO_PROXY_HEADER as soon as the bytes cannot become a
 * valid header (no signature, bad field, longer than 536 bytes).
 */
export function parseProxyHeader(buf: Buffer): ProxyHeader {
  if (buf.length === 0) return { kind: 'incomplete' };
  if (startsLike(buf, V1_PREFIX)) return parseV1(buf);
  if (startsLike(buf, V2_SIGNATURE)) return parseV2(buf);
  throw malformed('the connection does not start with a v1 or v2 signature');
}

function parseV1(buf: Buffer): ProxyHeader {
  const window = buf.subarray(0, V1_MAX);
  const lf = window.indexOf(0x0a);
  const cr = window.indexOf(0x0d);
  // The line ends in CRLF and holds neither byte before that: a lone LF or CR can never become
  // a valid line, so it is refused now rather than after the header timeout.
  if (lf >= 0 && window[lf - 1] !== 0x0d) throw malformed('v1 line ends in a bare LF (it must end in CRLF)');
  if (cr >= 0 && cr + 1 < window.length && window[cr + 1] !== 0x0a) throw malformed('v1 line has a CR not followed by LF (it must end in CRLF)');
  if (lf < 0) {
    if (buf.length >= V1_MAX) throw malformed(`v1 line longer than ${V1_MAX} bytes`);
    return { kind: 'incomplete' };
  }
  const end = lf - 1;
  const line = buf.toString('latin1', 0, end);
  if (!/^[\x20-\x7e]*$/.test(line)) throw malformed('v1 line has non-printable characters');
  const headerLength = end + 2;
  const parts = line.split(' ');
  if (parts[1] === 'UNKNOWN') return { kind: 'v1', command: 'PROXY', headerLength };
  if ((parts[1] !== 'TCP4' && parts[1] !== 'TCP6') || parts.length !== 6) throw malformed('v1 line is not "PROXY TCP4|TCP6|UNKNOWN ..."');
  const family = parts[1] === 'TCP4' ? 4 : 6;
  return {
    kind: 'v1',
    command: 'PROXY',
    source: { address: v1Address(parts[2], family), port: v1Port(parts[4]) },
    destination: { address: v1Address(parts[3], family), port: v1Port(parts[5]) },
    headerLength,
  };
}

function v1Address(text: string, family: 4 | 6): string {
  if (isIP(text) !== family) throw malformed(`v1 address is not an IPv${family} address`);
  return family === 6 ? formatIpv6(ipv6Bytes(text)) : text;
}

function v1Port(text: string): number {
  if (!/^(0|[1-9]\d{0,4})$/.test(text) || Number(text) > 0xffff) throw malformed('v1 port is not 0-65535');
  return Number(text);
}

function parseV2(buf: Buffer): ProxyHeader {
  if (buf.length > 12 && buf[12] >> 4 !== 2) throw malformed(`v2 version ${buf[12] >> 4} (expected 2)`);
  if (buf.length > 12 && (buf[12] & 0x0f) > 1) throw malformed(`v2 command ${buf[12] & 0x0f} (expected LOCAL or PROXY)`);
  if (buf.length < V2_FIXED) return { kind: 'incomplete' };
  const headerLength = V2_FIXED + buf.readUInt16BE(14);
  if (headerLength > PROXY_HEADER_MAX) throw malformed(`v2 header of ${headerLength} bytes (at most ${PROXY_HEADER_MAX})`);
  if (buf.length < headerLength) return { kind: 'incomplete' };
  if ((buf[12] & 0x0f) === 0) return { kind: 'v2', command: 'LOCAL', headerLength };
  return { kind: 'v2', command: 'PROXY', ...v2Addresses(buf, buf[13], headerLength), headerLength };
}

/** The address block of a v2 PROXY header; TLVs after it are skipped. */
function v2Addresses(buf: Buffer, familyProtocol: number, headerLength: number): { source?: ProxyAddress; destination?: ProxyAddress } {
  const family = familyProtocol >> 4;
  const protocol = familyProtocol & 0x0f;
  // UNSPEC: the sender knows nothing useful; the spec says to keep the real connection endpoints.
  if (family === 0) return {};
  if ((family !== 1 && family !== 2) || protocol !== 1) throw malformed(`v2 family/protocol 0x${familyProtocol.toString(16)} (expected TCP over IPv4 or IPv6)`);
  const size = family === 1 ? 4 : 16;
  if (headerLength - V2_FIXED < size * 2 + 4) throw malformed('v2 address block shorter than its family needs');
  const at = V2_FIXED;
  const format = (b: Buffer): string => (size === 4 ? b.join('.') : formatIpv6(b));
  return {
    source: { address: format(buf.subarray(at, at + size)), port: buf.readUInt16BE(at + size * 2) },
    destination: { address: format(buf.subarray(at + size, at + size * 2)), port: buf.readUInt16BE(at + size * 2 + 2) },
  };
}

/** A v2 PROXY/TCP header from `source` (the real client) to `destination` (what it connected to). */
export function encodeProxyV2(addresses: { source: ProxyAddress; destination: ProxyAddress }): Buffer {
  let src = addressBytes(addresses.source.address);
  let dst = addressBytes(addresses.destination.address);
  // Mixed families: both go as IPv6, the IPv4 one mapped (::ffff:a.b.c.d).
  if (src.length !== dst.length) [src, dst] = [toIpv6(src), toIpv6(dst)];
  const out = Buffer.alloc(V2_FIXED + src.length * 2 + 4);
  V2_SIGNATURE.copy(out, 0);
  out[12] = 0x21; // version 2, PROXY
  out[13] = src.length === 4 ? 0x11 : 0x21; // TCP over IPv4 or IPv6
  out.writeUInt16BE(src.length * 2 + 4, 14);
  src.copy(out, V2_FIXED);
  dst.copy(out, V2_FIXED + src.length);
  out.writeUInt16BE(addresses.source.port, V2_FIXED + src.length * 2);
  out.writeUInt16BE(addresses.destination.port, V2_FIXED + src.length * 2 + 2);
  return out;
}

/** A v2 LOCAL header: "this connection is the proxy's own" (no client behind it). */
export function encodeProxyV2Local(): Buffer {
  const out = Buffer.alloc(V2_FIXED);
  V2_SIGNATURE.copy(out, 0);
  out[12] = 0x20;
  return out;
}

/** 4 bytes for IPv4 (and IPv4-mapped IPv6), 16 for IPv6. Throws a RangeError for anything else. */
function addressBytes(text: string): Buffer {
  const version = isIP(text);
  if (version === 4) return Buffer.from(text.split('.').map(Number));
  if (version !== 6) throw new RangeError(`"${text}" is not an IP address`);
  const bytes = ipv6Bytes(text);
  const mapped = bytes.subarray(0, 12).equals(IPV4_MAPPED_PREFIX);
  return mapped ? Buffer.from(bytes.subarray(12)) : bytes;
}

const IPV4_MAPPED_PREFIX = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);

function toIpv6(bytes: Buffer): Buffer {
  return bytes.length === 16 ? bytes : Buffer.concat([IPV4_MAPPED_PREFIX, bytes]);
}

/** The 16 bytes of a valid IPv6 text (checked with isIP first): `::`, an IPv4 tail, a zone. */
function ipv6Bytes(text: string): Buffer {
  let body = text.replace(/%.*$/, '');
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (tail !== null) {
    const v4 = tail[1].split('.').map(Number);
    body = body.slice(0, tail.index) + `${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const [head, rest] = body.split('::') as [string, string | undefined];
  const groups = (s: string | undefined): string[] => (s === undefined || s === '' ? [] : s.split(':'));
  const left = groups(head);
  const right = groups(rest);
  const all = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** RFC 5952 text (longest zero run as `::`), with IPv4-mapped addresses as `::ffff:a.b.c.d` like Node. */
function formatIpv6(bytes: Buffer): string {
  if (bytes.subarray(0, 12).equals(IPV4_MAPPED_PREFIX)) return `::ffff:${bytes.subarray(12).join('.')}`;
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = Math.max(i, j);
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
