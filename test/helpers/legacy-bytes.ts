/** Pre-netty string encoding for hand-built legacy packets: u16 length in chars, UTF-16BE. */
export function utf16(s: string): Buffer {
  const b = Buffer.alloc(2 + s.length * 2);
  b.writeUInt16BE(s.length, 0);
  for (let i = 0; i < s.length; i++) b.writeUInt16BE(s.charCodeAt(i), 2 + i * 2);
  return b;
}

/** Decodes a 0xFF kick packet's string. */
export function decodeKick(packet: Buffer): string {
  const len = packet.readUInt16BE(1);
  return Array.from({ length: len }, (_, i) => String.fromCharCode(packet.readUInt16BE(3 + i * 2))).join('');
}

/** A 1.6 server-list ping (0xFE 0x01 0xFA "MC|PingHost" …): the only legacy ping that names the host. */
export function ping16(host: string, port: number): Buffer {
  const hostBytes = utf16(host);
  const data = Buffer.concat([Buffer.from([78]), hostBytes, Buffer.alloc(4)]);
  data.writeInt32BE(port, data.length - 4);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(data.length);
  return Buffer.concat([Buffer.from([0xfe, 0x01, 0xfa]), utf16('MC|PingHost'), len, data]);
}
