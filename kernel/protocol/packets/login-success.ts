/**
 * Login Success (clientbound login 0x02) and Set Compression (clientbound login 0x03), both
 * written by the proxy to clients and read from backends in intercepted sessions. Login
 * Success's UUID was a string until 1.16 (undashed before 1.7.6), properties arrived in 1.19,
 * and 1.20.5–1.21.1 add a strictErrorHandling flag.
 */
import type { GameProfile, ProfileProperty } from '../../../sdk/auth.ts';
import { InfrarustError } from '../../errors.ts';
import { PacketReader } from '../packet-reader.ts';
import { PacketWriter } from '../packet-writer.ts';
import { formatUuid } from '../uuid.ts';
import { PV, packetOf } from './protocol-versions.ts';

export const LOGIN_SUCCESS_ID = 0x02;
export const SET_COMPRESSION_ID = 0x03;
const MAX_PROPERTIES = 16;
const MAX_PROPERTY_VALUE = 32767;

export function encodeLoginSuccess(profile: GameProfile, protocol: number): Buffer {
  const w = new PacketWriter(64);
  if (protocol >= PV.V1_16) w.uuid(profile.uuid);
  else w.string(protocol >= PV.V1_7_6 ? profile.uuid : profile.uuid.replace(/-/g, ''));
  w.string(profile.name);
  if (protocol >= PV.V1_19) {
    w.varInt(profile.properties.length);
    for (const p of profile.properties) {
      w.string(p.name).string(p.value).bool(p.signature !== undefined);
      if (p.signature !== undefined) w.string(p.signature);
    }
  }
  if (protocol >= PV.V1_20_5 && protocol < PV.V1_21_2) w.bool(true);
  return packetOf(LOGIN_SUCCESS_ID, w.toBuffer());
}

/** Reads a backend's Login Success (id + body): the profile it logged the player in as. */
export function decodeLoginSuccess(packet: Buffer, protocol: number): GameProfile {
  const r = new PacketReader(packet);
  expectId(r, LOGIN_SUCCESS_ID, 'Login Success');
  const uuid = protocol >= PV.V1_16 ? r.uuid() : formatUuid(r.string(36));
  const name = r.string(16);
  const properties: ProfileProperty[] = [];
  if (protocol >= PV.V1_19) {
    const count = r.varInt();
    if (count < 0 || count > MAX_PROPERTIES) {
      throw new InfrarustError('IR_ERR_PROTO_FIELD_INVALID', `Login Success lists ${count} properties`);
    }
    for (let i = 0; i < count; i++) {
      const pname = r.string(64);
      const value = r.string(MAX_PROPERTY_VALUE);
      properties.push(r.bool() ? { name: pname, value, signature: r.string(1024) } : { name: pname, value });
    }
  }
  return { uuid, name, properties };
}

export function encodeSetCompression(threshold: number): Buffer {
  return packetOf(SET_COMPRESSION_ID, new PacketWriter(5).varInt(threshold).toBuffer());
}

export function decodeSetCompression(packet: Buffer): number {
  const r = new PacketReader(packet);
  expectId(r, SET_COMPRESSION_ID, 'Set Compression');
  return r.varInt();
}

function expectId(r: PacketReader, expected: number, what: string): void {
  const id = r.varInt();
  if (id !== expected) {
    throw new InfrarustError('IR_ERR_PROTO_UNEXPECTED_PACKET', `expected ${what} (0x${expected.toString(16)}), got 0x${id.toString(16)}`);
  }
}
