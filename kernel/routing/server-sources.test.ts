import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadedServer } from '../config/index.ts';
import { ServerSources } from './server-sources.ts';

const server = (id: string, file: string): LoadedServer => ({ id, file }) as unknown as LoadedServer;

function setup() {
  const applied: string[][] = [];
  const warnings: string[] = [];
  const sources = new ServerSources({ apply: (m) => applied.push([...m.values()].map((s) => `${s.id}@${s.file}`)), warn: (_l, msg) => warnings.push(msg) });
  return { sources, applied, warnings };
}

test('a file wins over a provided server with the same id, warned once; removing the file lets it in', () => {
  const { sources, applied, warnings } = setup();
  const gen = sources.addProvider('docker');
  sources.setFiles(new Map([['a', server('a', '/s/a.toml')]]));
  sources.setProvided('docker', 'a', { server: server('a', 'docker:container a'), origin: 'container a' });
  sources.setProvided('docker', 'b', { server: server('b', 'docker:container b'), origin: 'container b' });
  assert.deepEqual(applied.at(-1), ['a@/s/a.toml', 'b@docker:container b']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /from docker \(container a\) is also defined by the server file \/s\/a\.toml/);
  assert.deepEqual(sources.originOf('b'), { source: 'docker', origin: 'container b' });
  assert.deepEqual(sources.originOf('a'), { source: 'file' });
  sources.setFiles(new Map());
  assert.deepEqual(applied.at(-1), ['a@docker:container a', 'b@docker:container b']);
  assert.equal(warnings.length, 1);
  sources.removeProvider('docker', gen);
  assert.deepEqual(applied.at(-1), []);
});

test('between providers the first registered wins; a re-registration takes over and the old generation is inert', () => {
  const { sources, applied } = setup();
  const first = sources.addProvider('one');
  sources.addProvider('two');
  sources.setProvided('two', 'x', { server: server('x', 'two'), origin: 'o2' });
  sources.setProvided('one', 'x', { server: server('x', 'one'), origin: 'o1' });
  assert.deepEqual(applied.at(-1), ['x@one']);
  const again = sources.addProvider('one');
  assert.equal(sources.isCurrent('one', first), false);
  sources.removeProvider('one', first); // the old version unloads: nothing happens
  assert.deepEqual(applied.at(-1), ['x@one']);
  sources.removeProvider('one', again);
  assert.deepEqual(applied.at(-1), ['x@two']);
});
