/**
 * The forwarding test backend (test/helpers/forwarding-backend.ts) against the kernel's encoders,
 * with no proxy in between: a minecraft-protocol client plays the proxy's part towards the
 * backend (answers velocity:player_info with encodeVelocityForwarding's data, or sends a
 * bungeeCordAddress handshake). Proves the helper and the encoders agree before the end-to-end
 * tests rely on both.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import mc from 'minecraft-protocol';
import type { GameProfile } from '../../sdk/auth.ts';
import { bungeeCordAddress } from '../../kernel/session/forwarding/bungeecord.ts';
import { answerVelocityRequest } from '../../kernel/session/forwarding/velocity.ts';
import { REFUSALS, startForwardingBackend, type ForwardingBackend, type ForwardingBackendOptions } from '../helpers/forwarding-backend.ts';

const require = createRequire(import.meta.url);
const SECRET = 'test-forwarding-secret';
const PROFILE: GameProfile = {
  uuid: '069a79f4-44e9-4726-a5be-fca90e38aaf5',
  name: 'Notch',
  properties: [{ name: 'textures', value: 'dGV4dHVyZXM=', signature: 'c2lnbmF0dXJl' }, { name: 'plain', value: 'p' }],
};

interface Outcome {
  uuid?: string;
  kicked?: string;
}

/** Joins `backend` directly; `velocitySecret` set: answers velocity:player_info as the proxy would. */
function joinAs(backend: ForwardingBackend, version: string, fakeHost: string, velocitySecret?: string): Promise<Outcome> {
  const protocol = (require('minecraft-data')(version) as { version: { version: number } }).version.version;
  const client = mc.createClient({
    host: '127.0.0.1', port: backend.port, version, username: PROFILE.name, auth: 'offline',
    fakeHost, validateChannelProtocol: false, hideErrors: true,
  } as mc.ClientOptions);
  // minecraft-protocol answers every login plugin request with "not understood"; we answer instead.
  client.removeAllListeners('login_plugin_request');
  client.on('login_plugin_request', (packet: { messageId: number; channel: string; data?: Buffer }) => {
    const data = velocitySecret !== undefined && packet.channel === 'velocity:player_info'
      ? answerVelocityRequest(packet.data ?? Buffer.alloc(0), protocol, { address: '203.0.113.7', profile: PROFILE, secret: velocitySecret })
      : undefined;
    client.write('login_plugin_response', { messageId: packet.messageId, data });
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { client.end(); reject(new Error('no play login within 10 s')); }, 10_000);
    const finish = (outcome: Outcome) => { clearTimeout(timer); client.end(); resolve(outcome); };
    client.once('login', () => finish({ uuid: client.uuid }));
    client.once('disconnect', (p: { reason: string }) => finish({ kicked: String(JSON.parse(p.reason).text ?? p.reason) }));
    client.on('error', (err: Error) => { clearTimeout(timer); reject(err); });
  });
}

async function withBackend(options: ForwardingBackendOptions, fn: (b: ForwardingBackend) => Promise<void>): Promise<void> {
  const backend = await startForwardingBackend(options);
  try {
    await fn(backend);
  } finally {
    await backend.close();
  }
}

for (const version of ['1.20.4', '1.21.4']) {
  describe(`forwarding backend, ${version}`, () => {
    it('velocity: HMAC and version 4 verified, identity parsed, login under the forwarded UUID', () =>
      withBackend({ version, forwarding: 'velocity', secret: SECRET, requestVersion: 4 }, async (backend) => {
        const outcome = await joinAs(backend, version, 'mc.example.com', SECRET);
        assert.deepEqual(outcome, { uuid: PROFILE.uuid });
        assert.deepEqual(backend.joins, [{
          loginName: 'Notch', host: 'mc.example.com', requested: 4, hmacValid: true, version: 4,
          address: '203.0.113.7', uuid: PROFILE.uuid, name: 'Notch', properties: PROFILE.properties,
        }]);
      }));

    it('velocity: no version byte means 1', () =>
      withBackend({ version, forwarding: 'velocity', secret: SECRET }, async (backend) => {
        assert.deepEqual(await joinAs(backend, version, 'mc.example.com', SECRET), { uuid: PROFILE.uuid });
        assert.equal(backend.joins[0]?.version, 1);
      }));

    it('velocity: a wrong secret fails the HMAC and the player is kicked; no answer is refused too', () =>
      withBackend({ version, forwarding: 'velocity', secret: SECRET, requestVersion: 4 }, async (backend) => {
        assert.deepEqual(await joinAs(backend, version, 'mc.example.com', 'wrong'), { kicked: REFUSALS.badHmac });
        assert.equal(backend.joins[0]?.hmacValid, false);
        assert.deepEqual(await joinAs(backend, version, 'mc.example.com'), { kicked: REFUSALS.noVelocityData });
      }));

    it('bungeeguard: token checked and removed, identity parsed; bungeecord without data is refused', async () => {
      await withBackend({ version, forwarding: 'bungeeguard', secret: SECRET }, async (backend) => {
        const outcome = await joinAs(backend, version, bungeeCordAddress('mc.example.com', '203.0.113.7', PROFILE, SECRET));
        assert.deepEqual(outcome, { uuid: PROFILE.uuid });
        assert.deepEqual(backend.joins, [{
          loginName: 'Notch', name: 'Notch', host: 'mc.example.com', address: '203.0.113.7', uuid: PROFILE.uuid,
          properties: PROFILE.properties, token: SECRET,
        }]);
        assert.deepEqual(await joinAs(backend, version, bungeeCordAddress('mc.example.com', '203.0.113.7', PROFILE, 'nope')), { kicked: REFUSALS.bungeeGuard });
      });
      await withBackend({ version, forwarding: 'bungeecord', secret: SECRET }, async (backend) => {
        assert.deepEqual(await joinAs(backend, version, 'mc.example.com'), { kicked: REFUSALS.bungeeNoData });
        assert.deepEqual(await joinAs(backend, version, bungeeCordAddress('mc.example.com', '10.1.2.3', PROFILE)), { uuid: PROFILE.uuid });
        assert.equal(backend.joins[1]?.address, '10.1.2.3');
      });
    });
  });
}

