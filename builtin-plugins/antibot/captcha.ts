/**
 * The chat code: random characters from an alphabet without the look-alikes 0/O, 1/I/L (and
 * without letters that read as others in Minecraft's font), drawn with crypto randomness so a
 * bot cannot predict it. Answers are compared case-insensitively, spaces ignored.
 */
import { randomInt } from 'node:crypto';

export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function newCode(length: number, pick: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < length; i++) code += CODE_ALPHABET[pick(CODE_ALPHABET.length)];
  return code;
}

/** Whether a typed answer is the code. */
export function isAnswer(code: string, typed: string): boolean {
  return typed.replace(/\s+/g, '').toUpperCase() === code;
}
