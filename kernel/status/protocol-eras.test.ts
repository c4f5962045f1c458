import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerFor, PROTOCOL_ERAS, protocolEra, readEraAnswer } from './protocol-eras.ts';

test('every protocol number, made-up ones included, falls in one of a few eras', () => {
  const seen = new Set<string>();
  for (const n of [-(2 ** 31), -1, 0, 4, 5, 6, 47, 48, 340, 341, 578, 579, 754, 755, 766, 767, 772, 773, 99_999, 0x40000000 + 250, 2 ** 31 - 1]) seen.add(protocolEra(n).id);
  assert.deepEqual([...seen], PROTOCOL_ERAS.map((e) => e.id));
  assert.equal(protocolEra(47).id, '1.8');
  assert.equal(protocolEra(340).id, '1.9-1.12');
  assert.equal(protocolEra(763).id, '1.17-1.20');
  assert.equal(protocolEra(769).id, '1.21+');
});

test('each era is probed with a release inside it', () => {
  for (const era of PROTOCOL_ERAS) assert.equal(protocolEra(era.probe), era, era.id);
});

const answer = (protocol: number, extra: object = {}) => JSON.stringify({ version: { name: 'Paper 1.21.4', protocol }, players: { max: 20, online: 3 }, description: { text: 'hi' }, ...extra });

test('a backend that echoed the probe answers every client with its own number', () => {
  const a = readEraAnswer(answer(771, { favicon: 'data:image/png;base64,AAAA' }), 771);
  for (const client of [767, 769, 772, 99_999]) {
    const json = JSON.parse(answerFor(a, client));
    assert.equal(json.version.protocol, client);
    assert.deepEqual({ ...json, version: undefined }, { ...JSON.parse(answer(771, { favicon: 'data:image/png;base64,AAAA' })), version: undefined });
  }
});

test("a backend that answered with its own version is passed on unchanged", () => {
  const text = answer(769);
  const a = readEraAnswer(text, 771);
  assert.equal(a.forProtocol, undefined);
  assert.equal(answerFor(a, 769), text);
  assert.equal(answerFor(a, 12_345), text);
});

test('unparsable, odd or booby-trapped answers are passed on unchanged', () => {
  for (const text of ['not json', 'null', '[]', '{"version":"x"}', '{"players":{}}', answer(771, { description: { text: '\u0000infrarust:protocol\u0000' } })]) {
    assert.equal(answerFor(readEraAnswer(text, 771), 5), text, text);
  }
});
