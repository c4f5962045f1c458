import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketReader } from '../packet-reader.ts';
import { decodeChatCommand, decodeChatMessage, encodeMessageAcknowledgement, encodeUnsignedChatMessage } from './play-chat-serverbound.ts';
import { oracleDecode, oracleEncode, skipWithoutOracle } from './oracle.test-helper.ts';

const VERSIONS = [
  ['1.8.8', 47], ['1.12.2', 340], ['1.16.5', 754], ['1.19', 759], ['1.19.2', 760], ['1.20.1', 763],
  ['1.20.4', 765], ['1.21.4', 769], ['1.21.11', 774], ['26.1', 775],
] as const;
const SIG = Buffer.alloc(256, 7);
const ACK = Buffer.from([1, 2, 3]);

function chatParams(protocol: number, message: string, signed: boolean): Record<string, unknown> {
  if (protocol < 759) return { message };
  const base = { message, timestamp: [0, 1234], salt: [0, 99] };
  if (protocol === 759) return { ...base, signature: signed ? SIG : Buffer.alloc(0), signedPreview: false };
  if (protocol === 760) return { ...base, signature: signed ? SIG : Buffer.alloc(0), signedPreview: false, previousMessages: [{ messageSender: '069a79f4-44e9-4726-a5be-fca90e38aaf5', messageSignature: SIG }], lastRejectedMessage: undefined };
  return { ...base, signature: signed ? SIG : undefined, offset: 3, acknowledged: ACK, ...(protocol >= 770 ? { checksum: 5 } : {}) };
}

const chatName = (protocol: number) => (protocol < 759 ? 'chat' : 'chat_message');

test('chat and chat_message decode in every era (oracle)', { skip: skipWithoutOracle }, () => {
  for (const [version, protocol] of VERSIONS) {
    for (const signed of protocol < 759 ? [false] : [false, true]) {
      const packet = oracleEncode(version, 'play', false, chatName(protocol), chatParams(protocol, 'héllo wörld', signed));
      const decoded = decodeChatMessage(packet, protocol);
      assert.equal(decoded.message, 'héllo wörld', version);
      assert.equal(decoded.signed, signed, `${version} signed=${signed}`);
      assert.equal(decoded.ackOffset, protocol >= 761 ? 3 : 0, version);
    }
  }
});

test('a modified message re-encodes unsigned, keeping timestamp, salt and acknowledgements (oracle)', { skip: skipWithoutOracle }, () => {
  for (const [version, protocol] of VERSIONS) {
    const packet = oracleEncode(version, 'play', false, chatName(protocol), chatParams(protocol, 'original', protocol >= 759));
    const id = new PacketReader(packet).varInt();
    const out = encodeUnsignedChatMessage(id, decodeChatMessage(packet, protocol), 'rewritten', protocol);
    assert.equal(new PacketReader(out).varInt(), id, version);
    const parsed = oracleDecode(version, 'play', true, out);
    assert.equal(parsed.message, 'rewritten', version);
    if (protocol < 759) continue;
    assert.equal(BigInt((parsed.timestamp as number[])[1]), 1234n, version);
    if (protocol < 761) {
      assert.equal((parsed.signature as Buffer).length, 0, version);
      if (protocol === 760) assert.equal((parsed.previousMessages as unknown[]).length, 1, version);
    } else {
      assert.equal(parsed.signature, undefined, version);
      assert.equal(parsed.offset, 3, version);
      assert.deepEqual(parsed.acknowledged, ACK, version);
      if (protocol >= 770) assert.equal(parsed.checksum, 5, version);
    }
    assert.deepEqual(decodeChatMessage(out, protocol).signed, false, version);
  }
});

test('a rewritten line is cut to the era limit (100 before 1.11, 256 after)', () => {
  const original = { message: 'x', signed: false, ackOffset: 0, timestamp: 0n, salt: 0n, tail: Buffer.alloc(0) };
  assert.equal(decodeChatMessage(encodeUnsignedChatMessage(1, original, 'a'.repeat(300), 47), 47).message.length, 100);
  assert.equal(decodeChatMessage(encodeUnsignedChatMessage(3, original, 'a'.repeat(300), 340), 340).message.length, 256);
});

test('chat_command and chat_command_signed decode in every era (oracle)', { skip: skipWithoutOracle }, () => {
  for (const [version, protocol] of VERSIONS.filter(([, p]) => p >= 759)) {
    const signedArgs = [{ argumentName: 'message', signature: SIG }];
    const signedParams = (args: unknown[]) => protocol < 761
      ? { command: 'msg Bob hi', timestamp: [0, 1], salt: [0, 2], argumentSignatures: args, signedPreview: false, ...(protocol === 760 ? { previousMessages: [], lastRejectedMessage: undefined } : {}) }
      : { command: 'msg Bob hi', timestamp: [0, 1], salt: [0, 2], argumentSignatures: args, messageCount: 2, acknowledged: ACK, ...(protocol >= 770 ? { checksum: 0 } : {}) };
    if (protocol >= 766) {
      const plain = oracleEncode(version, 'play', false, 'chat_command', { command: 'ir version' });
      assert.deepEqual(decodeChatCommand(plain, protocol), { command: 'ir version', signed: false, ackOffset: 0 }, version);
      const signed = oracleEncode(version, 'play', false, 'chat_command_signed', signedParams(signedArgs));
      assert.deepEqual(decodeChatCommand(signed, protocol, true), { command: 'msg Bob hi', signed: true, ackOffset: 2 }, version);
      continue;
    }
    for (const args of [[], signedArgs]) {
      const packet = oracleEncode(version, 'play', false, 'chat_command', signedParams(args));
      const expected = { command: 'msg Bob hi', signed: args.length > 0, ackOffset: protocol >= 761 ? 2 : 0 };
      assert.deepEqual(decodeChatCommand(packet, protocol), expected, version);
    }
  }
});

test('message_acknowledgement matches the oracle', { skip: skipWithoutOracle }, () => {
  for (const [version, protocol] of VERSIONS.filter(([, p]) => p >= 761)) {
    const theirs = oracleEncode(version, 'play', false, 'message_acknowledgement', { count: 4 });
    const id = new PacketReader(theirs).varInt();
    assert.deepEqual(encodeMessageAcknowledgement(id, 4), theirs, `${version} ${protocol}`);
  }
});

test('truncated and oversized packets throw', () => {
  assert.throws(() => decodeChatMessage(Buffer.from([0x03, 0x05, 0x61]), 340));
  assert.throws(() => decodeChatMessage(Buffer.from([0x05, 0x01, 0x61, 0x00]), 763));
});
