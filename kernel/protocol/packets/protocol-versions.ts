/** Protocol numbers where packet layouts the proxy reads or writes change. */
export const PV = {
  /** 1.7.6: Login Success's UUID string gets dashes. */
  V1_7_6: 5,
  /** 1.8: Set Compression; byte arrays get VarInt lengths; titles; chat positions. */
  V1_8: 47,
  /** 1.11: the title packet gains its actionbar action (times moves from 2 to 3). */
  V1_11: 315,
  /** 1.13: login plugin messages. */
  V1_13: 393,
  /** 1.16: Login Success's UUID becomes 16 bytes; chat carries a sender UUID; hex colours. */
  V1_16: 735,
  /** 1.17: separate title, subtitle, times and action bar packets. */
  V1_17: 755,
  /** 1.19: Login Success carries properties; Encryption Response may carry a signed salt. */
  V1_19: 759,
  V1_19_1: 760,
  V1_19_3: 761,
  /** 1.20.2: Login Acknowledged and the configuration state. */
  V1_20_2: 764,
  /** 1.20.3: text components in NBT. */
  V1_20_3: 765,
  /** 1.20.5: Encryption Request's shouldAuthenticate; Login Success's strictErrorHandling (until 1.21.2). */
  V1_20_5: 766,
  V1_21_2: 768,
} as const;

/** An id + body without the outer frame length (what packet streams carry). */
export function packetOf(id: number, body: Uint8Array): Buffer {
  const idBytes = id < 0x80 ? 1 : id < 0x4000 ? 2 : 3;
  const out = Buffer.allocUnsafe(idBytes + body.length);
  let v = id;
  let pos = 0;
  while (v >= 0x80) {
    out[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[pos++] = v;
  out.set(body, pos);
  return out;
}
