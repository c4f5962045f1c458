import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { isInfrarustError } from '../errors.ts';
import { createDecryptor, createEncryptor } from './cipher.ts';

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

/** Splits `buf` into pieces of pseudo-random sizes 0..max. */
function chop(buf: Buffer, seed: number, max: number): Buffer[] {
  const out: Buffer[] = [];
  let x = seed;
  for (let i = 0; i < buf.length; ) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const n = x % (max + 1);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

test('round trip across arbitrary chunk boundaries on both sides', () => {
  const plain = randomBytes(50000);
  for (const seed of [1, 2, 3]) {
    const enc = createEncryptor(KEY);
    const dec = createDecryptor(KEY);
    const cipher = Buffer.concat(chop(plain, seed, 700).map((c) => enc.update(c)));
    assert.equal(cipher.length, plain.length);
    const back = Buffer.concat(chop(cipher, seed + 10, 1500).map((c) => dec.update(c)));
    assert.deepEqual(back, plain);
  }
});

test('chunked encryption equals one-shot encryption (state carries over)', () => {
  const plain = randomBytes(4096);
  const oneShot = createEncryptor(KEY).update(plain);
  const enc = createEncryptor(KEY);
  assert.deepEqual(Buffer.concat(chop(plain, 7, 33).map((c) => enc.update(c))), oneShot);
});

test('the IV is the key: first byte is plaintext XOR AES_k(k)[0] (CFB8 with iv = key)', () => {
  const ecb = createCipheriv('aes-128-ecb', KEY, null).update(KEY);
  const out = createEncryptor(KEY).update(Buffer.from([0x00, 0x00]));
  assert.equal(out[0], ecb[0]);
  // Cross-check against an explicit iv = key cipher, and a different IV gives different bytes.
  const explicit = createCipheriv('aes-128-cfb8', KEY, KEY).update(Buffer.alloc(64, 5));
  assert.deepEqual(createEncryptor(KEY).update(Buffer.alloc(64, 5)), explicit);
  const otherIv = createCipheriv('aes-128-cfb8', KEY, Buffer.alloc(16)).update(Buffer.alloc(64, 5));
  assert.notDeepEqual(explicit, otherIv);
});

test('a shared secret that is not 16 bytes is rejected', () => {
  assert.throws(() => createEncryptor(Buffer.alloc(15)), (e) => isInfrarustError(e, 'IR_ERR_PROTO_FIELD_INVALID'));
  assert.throws(() => createDecryptor(Buffer.alloc(32)), (e) => isInfrarustError(e, 'IR_ERR_PROTO_FIELD_INVALID'));
});
