import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToUuid, formatUuid, offlineUuid, uuidToBytes } from './uuid.ts';

test('offlineUuid matches vanilla (UUID v3 of "OfflinePlayer:<name>")', () => {
  assert.equal(offlineUuid('Notch'), 'b50ad385-829d-3141-a216-7e7d7539ba7f');
  // Version nibble 3, RFC 4122 variant.
  const u = offlineUuid('jeb_');
  assert.equal(u[14], '3');
  assert.match(u[19], /[89ab]/);
});

test('formatUuid accepts dashed and undashed, any case', () => {
  const dashed = '069a79f4-44e9-4726-a5be-fca90e38aaf5';
  assert.equal(formatUuid('069A79F444E94726A5BEFCA90E38AAF5'), dashed);
  assert.equal(formatUuid(dashed.toUpperCase()), dashed);
  assert.throws(() => formatUuid('not-a-uuid'), TypeError);
  assert.throws(() => formatUuid('069a79f444e94726a5befca90e38aaf'), TypeError);
});

test('uuidToBytes and bytesToUuid round trip', () => {
  const u = '069a79f4-44e9-4726-a5be-fca90e38aaf5';
  const bytes = uuidToBytes(u);
  assert.equal(bytes.length, 16);
  assert.equal(bytes[0], 0x06);
  assert.equal(bytesToUuid(bytes), u);
  assert.equal(bytesToUuid(Buffer.concat([Buffer.from([1, 2]), bytes]), 2), u);
});
