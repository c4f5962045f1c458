/**
 * Who the player is, for intercepted sessions. Online (`client_only`, or PreLogin's ForceOnline):
 * Encryption Request → Encryption Response → verify token and shared secret → AES-CFB8 on, then
 * the `authenticator` service (a plugin, e.g. mojang-auth) checks the session server. Offline
 * (`offline`, or ForceOffline): no encryption; the UUID is vanilla's offline UUID of the name
 * (or what the authenticator's offlineUuid policy says).
 */
import { randomBytes, timingSafeEqual, verify } from 'node:crypto';
import type { AuthOutcome, AuthRequest, Authenticator, GameProfile } from '../../sdk/auth.ts';
import { InfrarustError } from '../errors.ts';
import type { PacketConn } from '../net/packet-conn.ts';
import { serverHash } from '../protocol/login-keys.ts';
import { decodeEncryptionResponse, encodeEncryptionRequest } from '../protocol/packets/login-encryption.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { AuthDeps } from './deps.ts';
import { playerRef } from './event-refs.ts';
import { unverifiedProfile } from './offline-identity.ts';
import { AUTH_TIMEOUT_MS, LOGIN_STEP_TIMEOUT_MS } from './timeouts.ts';

export interface ClientIdentity {
  readonly profile: GameProfile;
  /** True when a session server verified the player. */
  readonly verified: boolean;
}

/** An identity failure the player is told about (the kick reason), logged at info. */
export class AuthRefused extends InfrarustError {
  constructor(readonly playerReason: string, message: string) {
    super('IR_ERR_SESSION_AUTH_FAILED', message);
  }
}

export async function clientIdentity(ctx: ConnectionContext, client: PacketConn, online: boolean, deps: AuthDeps): Promise<ClientIdentity> {
  const name = ctx.username!;
  const authenticator = deps.services.get('authenticator') as Authenticator | undefined;
  if (!online) return { profile: unverifiedProfile(deps.services, name, ctx.uuid), verified: false };
  if (authenticator === undefined) {
    throw new AuthRefused('This server needs online authentication, which is not available right now.', 'client_only needs an authenticator service: enable the mojang-auth plugin');
  }
  const protocol = ctx.handshake!.protocolVersion;
  const keys = deps.loginKeys();
  const token = randomBytes(4);
  client.send(encodeEncryptionRequest({ publicKey: keys.publicKeyDer, verifyToken: token, shouldAuthenticate: true }, protocol));
  const response = decodeEncryptionResponse(await client.read(LOGIN_STEP_TIMEOUT_MS, 'Encryption Response'), protocol);
  const sharedSecret = keys.decrypt(response.sharedSecret);
  if ('verifyToken' in response) checkToken(keys.decrypt(response.verifyToken), token);
  else checkSignedSalt(ctx.chatKey, token, response.salt, response.signature);
  if (sharedSecret.length !== 16) throw new InfrarustError('IR_ERR_SESSION_VERIFY_TOKEN', `the client's shared secret is ${sharedSecret.length} bytes, not 16`);
  client.enableEncryption(sharedSecret);
  const hash = serverHash('', sharedSecret, keys.publicKeyDer);
  const outcome = await withTimeout(askAuthenticator(ctx, authenticator, { username: name, serverHash: hash, remoteAddress: ctx.remoteAddress }), AUTH_TIMEOUT_MS);
  if (!outcome.ok) {
    deps.events.notify('OnlineAuthFailed', () => ({ player: playerRef(ctx), reason: outcome.reason }));
    throw new AuthRefused(outcome.reason, `the session server did not verify ${name}: ${outcome.reason}`);
  }
  return { profile: outcome.profile, verified: true };
}

function checkToken(echoed: Buffer, token: Buffer): void {
  if (echoed.length !== token.length || !timingSafeEqual(echoed, token)) {
    throw new InfrarustError('IR_ERR_SESSION_VERIFY_TOKEN', 'the client sent a wrong verify token');
  }
}

/**
 * 1.19–1.19.2 clients with a chat-signing key sign verifyToken ‖ salt (SHA256withRSA) instead of
 * encrypting the token: checked with the key from their Login Start. Who the player is still
 * rests on the session server's hasJoined; the key itself is not forwarded (the proxy strips
 * chat signing), so Mojang's signature of the key is not needed here.
 */
function checkSignedSalt(chatKey: Buffer | undefined, token: Buffer, salt: bigint, signature: Buffer): void {
  if (chatKey === undefined) {
    throw new InfrarustError('IR_ERR_SESSION_VERIFY_TOKEN', 'the client signed the verify token but sent no chat key in Login Start');
  }
  const signed = Buffer.alloc(token.length + 8);
  token.copy(signed);
  signed.writeBigInt64BE(salt, token.length);
  let valid = false;
  try {
    valid = verify('sha256', signed, { key: chatKey, format: 'der', type: 'spki' }, signature);
  } catch (err) {
    throw new InfrarustError('IR_ERR_SESSION_VERIFY_TOKEN', 'the client\'s chat key is not a valid public key', { cause: err });
  }
  if (!valid) throw new InfrarustError('IR_ERR_SESSION_VERIFY_TOKEN', 'the client\'s signature of the verify token does not verify with its chat key');
}

/** A throwing authenticator fails closed: the player is refused, the fault logged. */
async function askAuthenticator(ctx: ConnectionContext, authenticator: Authenticator, request: AuthRequest): Promise<AuthOutcome> {
  try {
    return await authenticator.authenticate(request);
  } catch (err) {
    ctx.log.error({ err, player: request.username }, 'the authenticator service failed; login refused (fail closed)');
    return { ok: false, reason: 'Authentication failed. Please try again.' };
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | { ok: false; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ ok: false; reason: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: 'The authentication server did not answer in time. Please try again.' }), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
