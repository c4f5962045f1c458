import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editDistance, suggest } from './did-you-mean.ts';

describe('did-you-mean', () => {
  it('counts a transposition as one edit', () => {
    assert.equal(editDistance('servers_dri', 'servers_dir'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
  });
  it('suggests the closest allowed key', () => {
    assert.equal(suggest('servers_dri', ['servers_dir', 'plugins_dir', 'bind']), 'servers_dir');
    assert.equal(suggest('max_conections', ['max_connections', 'window']), 'max_connections');
    assert.equal(suggest('Bind', ['bind']), 'bind');
    assert.equal(suggest('proxy-mode', ['proxy_mode']), 'proxy_mode');
  });
  it('stays quiet when nothing is close', () => {
    assert.equal(suggest('colour', ['bind', 'domains']), undefined);
    assert.equal(suggest('ab', ['xy']), undefined);
  });
});
