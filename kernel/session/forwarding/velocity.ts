/**
 * Velocity modern forwarding (Paper's `proxies.velocity`): the backend sends a Login Plugin
 * Request on `velocity:player_info`; the proxy answers (success = true) with
 * HMAC-SHA256(secret, payload) ‖ payload, where the payload says who the player is.
 *
 * Payload, every version: VarInt version, String client address, UUID (16 bytes), String name,
 * properties (VarInt count; String name, String value, Boolean signed, [String signature]).
 * Versions 2 and 3 add the player's chat-signing key (and v3 its signer UUID); 4 adds nothing
 * (the chat session reaches the backend later, in play). Facts from Velocity's
 * `PlayerDataForwarding` and backend `LoginSessionHandler`.
 */
import { createHmac } from 'node:crypto';
import type { GameProfile } from '../../../sdk/auth.ts';
import { PacketWriter } from '../../protocol/packet-writer.ts';

export const velocityForwardingChannel = 'velocity:player_info';

export const VELOCITY_DEFAULT = 1;
/** 1.19–1.19.2 with a chat-signing key (v1 key format). Never sent: see chooseVelocityVersion. */
export const VELOCITY_WITH_KEY = 2;
/** 1.19.1–1.19.2 with a linked (v2) key and its signer UUID. Never sent: see chooseVelocityVersion. */
export const VELOCITY_WITH_KEY_V2 = 3;
/** 1.19.3+: no key in the payload; the chat session follows in play. */
export const VELOCITY_LAZY_SESSION = 4;
export const VELOCITY_MAX_VERSION = VELOCITY_LAZY_SESSION;

/** 1.19.3, from which chat keys travel in play (Velocity's MINECRAFT_1_19_3). */
const PROTOCOL_1_19_3 = 761;

/**
 * The version the backend asks for: the request's data is one (signed) byte, or empty for 1.
 * Like Velocity, data of any other length counts as no request.
 */
export function requestedVelocityVersion(data: Uint8Array): number | undefined {
  return data.length === 1 ? (data[0]! << 24) >> 24 : undefined;
}

/**
 * Velocity's `findForwardingVersion` for a player without a chat-signing key, which is every
 * player here: the proxy strips the key (signed chat cannot survive a proxy in between), so it
 * never has one to forward. Consequences: 1.19.3+ gets 4 when the backend asks for 4 or more,
 * else 1; 1.19–1.19.2 gets 1 where Velocity would send 2 or 3 for a keyed player — a backend of
 * those versions must not require a key (`enforce-secure-profile=false`); older versions get 1.
 *
 * chooseVelocityVersion(4, 765) === 4; chooseVelocityVersion(3, 765) === 1; chooseVelocityVersion(undefined, 765) === 1
 */
export function chooseVelocityVersion(requested: number | undefined, protocol: number): number {
  const wanted = Math.min(requested ?? VELOCITY_DEFAULT, VELOCITY_MAX_VERSION);
  if (wanted <= VELOCITY_DEFAULT) return VELOCITY_DEFAULT;
  if (protocol >= PROTOCOL_1_19_3) return wanted >= VELOCITY_LAZY_SESSION ? VELOCITY_LAZY_SESSION : VELOCITY_DEFAULT;
  // Velocity picks 2 or 3 here only when the player has a key; ours never do.
  return VELOCITY_DEFAULT;
}

export interface VelocityForwardingInput {
  /** From chooseVelocityVersion: 1 or 4 (2 and 3 need a chat-signing key, which this proxy never has). */
  readonly version: number;
  /** The player's IP as the backend should see it (see forwardedAddress). */
  readonly address: string;
  readonly profile: GameProfile;
  /** The forwarding secret (UTF-8 when a string), as in the backend's config. */
  readonly secret: string | Uint8Array;
}

/** The payload the HMAC covers. */
function velocityPayload(input: VelocityForwardingInput): Buffer {
  const w = new PacketWriter(256)
    .varInt(input.version)
    .string(input.address)
    .uuid(input.profile.uuid)
    .string(input.profile.name)
    .varInt(input.profile.properties.length);
  for (const p of input.profile.properties) {
    w.string(p.name).string(p.value);
    // Velocity writes an empty signature as unsigned.
    if (p.signature) w.bool(true).string(p.signature);
    else w.bool(false);
  }
  return w.toBuffer();
}

/**
 * The data of the Login Plugin Response (sent with success = true): 32 bytes of
 * HMAC-SHA256(secret, payload), then the payload. Throws RangeError for a version other than
 * 1 or 4 (a caller bug: chooseVelocityVersion never returns one).
 */
export function encodeVelocityForwarding(input: VelocityForwardingInput): Buffer {
  if (input.version !== VELOCITY_DEFAULT && input.version !== VELOCITY_LAZY_SESSION) {
    throw new RangeError(`velocity forwarding version ${input.version} cannot be sent: versions 2 and 3 carry a chat-signing key, which this proxy does not keep`);
  }
  const payload = velocityPayload(input);
  const signature = createHmac('sha256', input.secret).update(payload).digest();
  return Buffer.concat([signature, payload]);
}

/**
 * Answers one `velocity:player_info` request: its data (the requested version) in, the response
 * data out. The caller sends it in a Login Plugin Response with the request's message id.
 */
export function answerVelocityRequest(requestData: Uint8Array, protocol: number, input: Omit<VelocityForwardingInput, 'version'>): Buffer {
  const version = chooseVelocityVersion(requestedVelocityVersion(requestData), protocol);
  return encodeVelocityForwarding({ ...input, version });
}
