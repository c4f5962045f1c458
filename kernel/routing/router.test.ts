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

test('wildcard captures: $1 builds the address from the * the player typed', async () => {
  const { expandCaptures } = await import('./captures.ts');
  const fleet = { id: 'fleet', domains: ['*.mc.test'], addresses: [{ host: '$1.internal', port: 25565, weight: 1 }, { host: 'spare', port: 1, weight: 1 }] };
  const plain = { id: 'plain', domains: ['*.other.test'], addresses: [{ host: 'x', port: 1, weight: 1 }] };
  const t = new RoutingTable([fleet, plain], { expand: expandCaptures });
  assert.deepEqual(t.resolve('A.mc.test')?.addresses.map((a) => a.host), ['a.internal', 'spare']);
  assert.deepEqual(t.resolve('b.mc.test')?.addresses.map((a) => a.host), ['b.internal', 'spare']);
  assert.equal(t.resolve('b.mc.test')?.id, 'fleet');
  assert.equal(t.resolve('q.other.test'), plain, 'a server without $n is returned as is');
  assert.deepEqual(t.resolve('x.y.mc.test')?.addresses[0]?.host, 'x.y.internal', '* spans dots');
});

test('wildcard captures: several *, and captures that cannot make a host drop that address', async () => {
  const { substituteCaptures } = await import('./captures.ts');
  const addresses = [{ host: '$2-$1.svc', port: 25565, weight: 2 }];
  assert.deepEqual(substituteCaptures(addresses, ['eu', 'lobby']), [{ host: 'lobby-eu.svc', port: 25565, weight: 2 }]);
  assert.deepEqual(substituteCaptures(addresses, ['eu', '']), [], 'an empty capture');
  assert.deepEqual(substituteCaptures(addresses, ['e u', 'x']), [], 'characters a host cannot hold');
  assert.deepEqual(substituteCaptures(addresses, ['eu/../', 'x']), []);
});
