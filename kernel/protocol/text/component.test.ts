import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketWriter } from '../packet-writer.ts';
import { componentFor, componentJson, writeComponent } from './component.ts';
import { modifiedUtf8 } from './nbt-writer.ts';
import { oracleDecode, skipWithoutOracle } from '../packets/oracle.test-helper.ts';
import { decodedComponent } from './component-oracle.test-helper.ts';
import { encodeChatMessage } from '../packets/play-chat.ts';

const styled = {
  text: 'Hello ',
  color: 'gold',
  bold: true,
  extra: [
    { text: 'world', italic: true, underlined: false, color: '#12ab34' },
    { text: ' ünïcödé ✓', strikethrough: true, obfuscated: true },
  ],
};

test('only the fields every version reads pass; empty extra and unknown colours are left out', () => {
  const odd = { text: 'a', color: 'grey', extra: [], clickEvent: { action: 'run_command' } } as never;
  assert.deepEqual(componentFor(odd, 765), { text: 'a' });
  assert.equal(componentJson('§cNo', 47), '{"text":"No","color":"red"}');
  assert.equal(componentJson({ text: 'x', color: '#FF4444' }, 340), '{"text":"x","color":"red"}', 'hex colours before 1.16 become the nearest named one');
  assert.equal(componentJson({ text: 'x', color: '#FF0000' }, 735), '{"text":"x","color":"#ff0000"}');
});

test('NBT strings are Java modified UTF-8 (NUL as C0 80, non-BMP as two 3-byte surrogates)', () => {
  assert.equal(modifiedUtf8('a\u0000b').toString('hex'), '61c08062');
  assert.equal(modifiedUtf8('😀').toString('hex'), 'eda0bdedb880');
  assert.equal(modifiedUtf8('é✓').toString('hex'), Buffer.from('é✓').toString('hex'), 'the BMP is plain UTF-8');
});

test('a plain text is a TAG_String root, a styled one a nameless TAG_Compound (1.20.3+)', () => {
  const plain = new PacketWriter();
  writeComponent(plain, 'hi', 765);
  assert.equal(plain.toBuffer().toString('hex'), '0800026869');
  const compound = new PacketWriter();
  writeComponent(compound, { text: 'hi', bold: true }, 765);
  assert.equal(compound.toBuffer().toString('hex'), '0a' + '080004746578740002' + '6869' + '010004626f6c6401' + '00');
  const json = new PacketWriter();
  writeComponent(json, 'hi', 764);
  assert.equal(json.toBuffer().subarray(1).toString(), '{"text":"hi"}');
});

// What minecraft-protocol decodes from a system_chat / chat packet whose component we wrote.
const ORACLE: [string, number, string][] = [
  ['1.8.8', 47, 'chat'], ['1.12.2', 340, 'chat'], ['1.16.5', 754, 'chat'], ['1.20.1', 763, 'system_chat'],
  ['1.20.4', 765, 'system_chat'], ['1.21.4', 769, 'system_chat'], ['1.21.11', 774, 'system_chat'], ['26.1', 775, 'system_chat'],
];

test('components round-trip through minecraft-protocol in every era', { skip: skipWithoutOracle }, async (t) => {
  for (const [version, protocol, name] of ORACLE) {
    await t.test(version, () => {
      for (const text of [styled, 'plain', '§aGreen §lbold']) {
        const packet = encodeChatMessage(protocol, text)!;
        const params = oracleDecode(version, 'play', false, packet);
        const field = name === 'chat' ? params.message : params.content;
        assert.deepEqual(decodedComponent(field), JSON.parse(componentJson(text, protocol)), `${version} ${JSON.stringify(text)}`);
      }
    });
  }
});
