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
