import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dashedUuid, offlineUuid } from './uuid.ts';

test('offlineUuid is vanilla\'s: v3 of MD5("OfflinePlayer:" + name)', () => {
  assert.equal(offlineUuid('Notch'), 'b50ad385-829d-3141-a216-7e7d7539ba7f');
  assert.notEqual(offlineUuid('notch'), offlineUuid('Notch'), 'names are case-sensitive, as in vanilla');
  assert.match(offlineUuid('Ünïcode_名'), /^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('dashedUuid dashes and lowercases; anything else is undefined', () => {
  assert.equal(dashedUuid('069A79F444E94726A5BEFCA90E38AAF5'), '069a79f4-44e9-4726-a5be-fca90e38aaf5');
  assert.equal(dashedUuid('069a79f4-44e9-4726-a5be-fca90e38aaf5'), '069a79f4-44e9-4726-a5be-fca90e38aaf5');
  for (const bad of ['', '069a79f444e94726a5befca90e38aaf', '069a79f4-44e9-4726-a5be-fca90e38aaf5x', 'zz9a79f444e94726a5befca90e38aaf5', '069a79f444e9-4726-a5be-fca90e38aaf5']) {
    assert.equal(dashedUuid(bad), undefined, bad);
  }
});
