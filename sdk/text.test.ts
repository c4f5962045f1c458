import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMessage } from './text.ts';

test('renderMessage: & codes translated, placeholders filled, unknown kept, values cannot add formatting', () => {
  assert.equal(renderMessage('&aWelcome, {player}! &7({left} left)', { player: 'Steve', left: 3 }), '§aWelcome, Steve! §7(3 left)');
  assert.equal(renderMessage('&cHi {nobody} & bye &z'), '§cHi {nobody} & bye &z');
  assert.equal(renderMessage('{player}', { player: '&4Red' }), '&4Red', 'a value is inserted after translation');
  assert.equal(renderMessage('{toString}', {}), '{toString}', 'only own keys');
});
