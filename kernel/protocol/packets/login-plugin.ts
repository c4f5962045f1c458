/**
 * Login plugin messages (1.13+): Login Plugin Request (clientbound login 0x04) and Login Plugin
 * Response (serverbound login 0x02). Backends use them for Velocity forwarding and Forge's
 * handshake; the proxy answers the ones it owns and relays the rest to the client.
 */
import { InfrarustError } from '../../errors.ts';
import { PacketReader } from '../packet-reader.ts';
import { PacketWriter } from '../packet-writer.ts';
import { packetOf } from './protocol-versions.ts';

export const LOGIN_PLUGIN_REQUEST_ID = 0x04;
export const LOGIN_PLUGIN_RESPONSE_ID = 0x02;
/** Vanilla caps login plugin payloads at 1 MiB. */
const MAX_PAYLOAD = 1 << 20;

export interface LoginPluginRequest {
  messageId: number;
  channel: string;
  data: Buffer;
}

export interface LoginPluginResponse {
  messageId: number;
  /** Absent when the client did not understand the channel. */
  data: Buffer | undefined;
}

export function decodeLoginPluginRequest(packet: Buffer): LoginPluginRequest {
  const r = new PacketReader(packet);
  r.varInt();
  const messageId = r.varInt();
  const channel = r.string(32767);
  return { messageId, channel, data: limit(r.rest()) };
}

export function encodeLoginPluginRequest(req: LoginPluginRequest): Buffer {
  return packetOf(LOGIN_PLUGIN_REQUEST_ID, new PacketWriter(req.data.length + 32).varInt(req.messageId).string(req.channel).bytes(req.data).toBuffer());
}

export function decodeLoginPluginResponse(packet: Buffer): LoginPluginResponse {
  const r = new PacketReader(packet);
  r.varInt();
  const messageId = r.varInt();
  return { messageId, data: r.bool() ? limit(r.rest()) : undefined };
}

export function encodeLoginPluginResponse(res: LoginPluginResponse): Buffer {
  const w = new PacketWriter((res.data?.length ?? 0) + 8).varInt(res.messageId).bool(res.data !== undefined);
  if (res.data !== undefined) w.bytes(res.data);
  return packetOf(LOGIN_PLUGIN_RESPONSE_ID, w.toBuffer());
}

function limit(data: Buffer): Buffer {
  if (data.length > MAX_PAYLOAD) throw new InfrarustError('IR_ERR_PROTO_FIELD_INVALID', `login plugin payload of ${data.length} bytes is over the 1 MiB limit`);
  return data;
}
