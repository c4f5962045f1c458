import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoutingTable } from './router.ts';

const table = (servers: { id: string; domains: string[] }[]) => new RoutingTable(servers);

test('exact domain beats any wildcard, whatever the order', () => {
  const t = table([
    { id: 'wild', domains: ['*.example.com'] },
    { id: 'exact', domains: ['play.example.com'] },
  ]);
  assert.equal(t.resolve('play.example.com')?.id, 'exact');
  assert.equal(t.resolve('other.example.com')?.id, 'wild');
});

test('the most specific wildcard wins, not the first loaded', () => {
  for (const order of [0, 1]) {
    const servers = [
      { id: 'broad', domains: ['*.com'] },
      { id: 'narrow', domains: ['*.mc.example.com'] },
    ];
    if (order === 1) servers.reverse();
    const t = table(servers);
    assert.equal(t.resolve('a.mc.example.com')?.id, 'narrow');
    assert.equal(t.resolve('a.other.com')?.id, 'broad');
  }
});

test('? matches exactly one character and is more specific than *', () => {
  const t = table([
    { id: 'star', domains: ['s*.example.com'] },
    { id: 'q', domains: ['s?.example.com'] },
  ]);
  assert.equal(t.resolve('s1.example.com')?.id, 'q');
  assert.equal(t.resolve('s12.example.com')?.id, 'star');
});

test('lookups are case-insensitive and ignore one trailing dot', () => {
  const t = table([{ id: 'a', domains: ['Play.Example.COM'] }]);
  assert.equal(t.resolve('PLAY.example.com.')?.id, 'a');
  assert.equal(t.resolve('play.example.co'), undefined);
});

test('regex metacharacters in domains are literal', () => {
  const t = table([{ id: 'a', domains: ['a+b.example.com'] }, { id: 'w', domains: ['x.*'] }]);
  assert.equal(t.resolve('a+b.example.com')?.id, 'a');
  assert.equal(t.resolve('aab.example.com'), undefined);
  assert.equal(t.resolve('x.anything.at.all')?.id, 'w');
  assert.equal(t.resolve('xyanything'), undefined);
});

test('a domain claimed twice keeps the later server and reports the conflict', () => {
  const t = table([
    { id: 'first', domains: ['dup.example.com'] },
    { id: 'second', domains: ['dup.example.com'] },
  ]);
  assert.equal(t.resolve('dup.example.com')?.id, 'second');
  assert.deepEqual(t.conflicts, [{ domain: 'dup.example.com', kept: 'second', dropped: 'first' }]);
});

test('unknown domains resolve to nothing', () => {
  assert.equal(table([]).resolve('nobody.example.com'), undefined);
});
