import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CODE_ALPHABET, isAnswer, newCode } from './captcha.ts';

test('codes have the asked length, from the unambiguous alphabet only', () => {
  for (const length of [4, 5, 8]) {
    for (let i = 0; i < 200; i++) {
      const code = newCode(length);
      assert.equal(code.length, length);
      assert.match(code, /^[A-Z2-9]+$/);
      assert.doesNotMatch(code, /[01OIL]/);
    }
  }
  assert.equal(newCode(4, () => 0), 'AAAA');
  assert.ok(!/[01OIL]/.test(CODE_ALPHABET));
});

test('codes differ from one another', () => {
  const seen = new Set(Array.from({ length: 100 }, () => newCode(6)));
  assert.ok(seen.size > 95);
});

test('answers: case and spaces do not matter, anything else does', () => {
  assert.equal(isAnswer('AB3K7', 'AB3K7'), true);
  assert.equal(isAnswer('AB3K7', ' ab3k7 '), true);
  assert.equal(isAnswer('AB3K7', 'ab 3k 7'), true);
  assert.equal(isAnswer('AB3K7', 'AB3K'), false);
  assert.equal(isAnswer('AB3K7', 'AB3K7X'), false);
  assert.equal(isAnswer('AB3K7', ''), false);
});
