import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import { createHash } from 'node:crypto';
import { createLoginKeyPair, serverHash } from './login-keys.ts';

// wiki.vg's published examples of the signed SHA-1 digest (the hash of the name alone).
function nameHash(name: string): string {
  const digest = createHash('sha1').update(name).digest();
  const negative = (digest[0] & 0x80) !== 0;
  let v = BigInt(`0x${digest.toString('hex')}`);
  if (negative) v = (1n << 160n) - v;
  return `${negative ? '-' : ''}${v.toString(16)}`;
}

test('serverHash prints the signed digest as Minecraft does', () => {
  assert.equal(nameHash('Notch'), '4ed1f46bbe04bc756bcb17c0c7ce3e4632f06a48');
  assert.equal(nameHash('jeb_'), '-7c9d5b0044c130109a5d7b5fb5c317c02b4e28c1');
  assert.equal(nameHash('simon'), '88e16a1019277b15d58faf0541e11910eb756f6');
  assert.equal(serverHash('jeb_', Buffer.alloc(0), Buffer.alloc(0)), '-7c9d5b0044c130109a5d7b5fb5c317c02b4e28c1');
});

test('the key pair decrypts what a client encrypts with its public key', () => {
  const keys = createLoginKeyPair();
  const pub = createPublicKey({ key: keys.publicKeyDer, format: 'der', type: 'spki' });
  const secret = Buffer.from('0123456789abcdef');
  const sealed = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_PADDING }, secret);
  assert.deepEqual(keys.decrypt(sealed), secret);
  assert.throws(() => keys.decrypt(Buffer.alloc(128, 1)), { code: 'IR_ERR_SESSION_VERIFY_TOKEN' });
  assert.throws(() => keys.decrypt(Buffer.alloc(12)), { code: 'IR_ERR_SESSION_VERIFY_TOKEN' });
});
