/**
 * Minecraft's stream encryption: AES-128-CFB8 with the 16-byte shared secret as both key and IV.
 * CFB8 is a byte-wise stream, so one long-lived cipher per direction keeps its state across
 * arbitrary TCP chunk boundaries; never create one per packet.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { InfrarustError } from '../errors.ts';

/** One direction of an encrypted connection. */
export interface StreamCipher {
  /** Transforms the next bytes of the stream; output length always equals input length. */
  update(buf: Buffer): Buffer;
}

function checkSecret(sharedSecret: Buffer): void {
  if (sharedSecret.length !== 16) {
    throw new InfrarustError(
      'IR_ERR_PROTO_FIELD_INVALID',
      `shared secret is ${sharedSecret.length} bytes; AES-128 needs exactly 16`,
    );
  }
}

/** Encrypts what we send to a peer that enabled encryption with `sharedSecret`. */
export function createEncryptor(sharedSecret: Buffer): StreamCipher {
  checkSecret(sharedSecret);
  const cipher = createCipheriv('aes-128-cfb8', sharedSecret, sharedSecret);
  return { update: (buf) => cipher.update(buf) };
}

/** Decrypts what a peer sends after enabling encryption with `sharedSecret`. */
export function createDecryptor(sharedSecret: Buffer): StreamCipher {
  checkSecret(sharedSecret);
  const decipher = createDecipheriv('aes-128-cfb8', sharedSecret, sharedSecret);
  return { update: (buf) => decipher.update(buf) };
}
