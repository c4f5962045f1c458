import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { InfrarustError } from '../errors.ts';
import { ConfigError, loadServersDir, watchServersDir, type LoadedServer, type ServersDirWatcher } from './index.ts';

const server = (domain: string, port = 25565) => `domains = ["${domain}"]\naddresses = ["127.0.0.1:${port}"]\n`;

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'infrarust-servers-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('loadServersDir', () => {
  it('creates a missing folder', async () => {
    const result = await loadServersDir(join(dir, 'nested', 'servers'));
    assert.equal(result.servers.size, 0);
    assert.deepEqual(result.errors, []);
  });

  it('loads every good file; one bad file does not stop the others', async () => {
    await writeFile(join(dir, 'a.toml'), server('a.example.com'));
    await writeFile(join(dir, 'b.toml'), 'addresses = "oops"\nbogus = 1\ndomains = ["b"]\n');
    await writeFile(join(dir, 'c.toml'), server('c.example.com'));
    await writeFile(join(dir, '.#a.toml'), 'editor lock');
    await writeFile(join(dir, 'notes.txt'), 'not a server');
    const { servers, errors } = await loadServersDir(dir);
    assert.deepEqual([...servers.keys()], ['a', 'c']);
    assert.equal(errors.length, 1);
    const err = errors[0] as ConfigError;
    assert.ok(err instanceof ConfigError);
    assert.equal(err.file, join(dir, 'b.toml'));
    assert.deepEqual(err.issues.map((i) => [i.line, i.path]), [[1, 'addresses'], [2, 'bogus']]);
  });

  it('duplicate ids warn and the file sorting last wins', async () => {
    await writeFile(join(dir, 'one.toml'), `id = "same"\n${server('one.example.com')}`);
    await writeFile(join(dir, 'two.toml'), `id = "same"\n${server('two.example.com')}`);
    const { servers, warnings } = await loadServersDir(dir);
    assert.equal(servers.size, 1);
    assert.deepEqual(servers.get('same')?.domains, ['two.example.com']);
    assert.match(warnings[0]!, /server id "same" is defined by .*one\.toml and .*two\.toml; using .*two\.toml/);
  });
});

/** Collects watcher output and lets a test wait (at most 1 s) for the next matching state. */
class Recorder {
  latest = new Map<string, LoadedServer>();
  changes = 0;
  errors: InfrarustError[] = [];
  private waiters: Array<() => void> = [];
  readonly options = {
    debounceMs: 150,
    onChange: (servers: Map<string, LoadedServer>) => {
      this.latest = servers;
      this.changes++;
      this.notify();
    },
    onError: (err: InfrarustError) => {
      this.errors.push(err);
      this.notify();
    },
  };
  private notify() {
    for (const w of this.waiters.splice(0)) w();
  }
  async until(what: string, predicate: () => boolean, timeoutMs = 1000): Promise<number> {
    const start = performance.now();
    while (!predicate()) {
      const left = timeoutMs - (performance.now() - start);
      if (left <= 0) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return performance.now() - start;
  }
}

describe('watchServersDir', () => {
  let watcher: ServersDirWatcher | undefined;
  afterEach(() => watcher?.close());

  it('applies added, changed and removed files within a second', async () => {
    await writeFile(join(dir, 'a.toml'), server('a.example.com'));
    const rec = new Recorder();
    watcher = watchServersDir(dir, rec.options);
    await watcher.ready;
    await rec.until('the initial scan', () => rec.latest.has('a'));

    await writeFile(join(dir, 'b.toml'), server('b.example.com'));
    await rec.until('b to be added', () => rec.latest.has('b'));

    await writeFile(join(dir, 'a.toml'), server('a2.example.com'));
    await rec.until('a to change', () => rec.latest.get('a')?.domains[0] === 'a2.example.com');

    await unlink(join(dir, 'b.toml'));
    await rec.until('b to be removed', () => !rec.latest.has('b'));
    assert.deepEqual(rec.errors, []);
  });

  it('an invalid edit is reported and the previous good version stays', async () => {
    await writeFile(join(dir, 'a.toml'), server('a.example.com', 1111));
    const rec = new Recorder();
    watcher = watchServersDir(dir, rec.options);
    await watcher.ready;
    await rec.until('the initial scan', () => rec.latest.has('a'));

    await writeFile(join(dir, 'a.toml'), 'domains = ["a.example.com"]\naddresses = ["127.0.0.1:99999"]\n');
    await rec.until('the error', () => rec.errors.length === 1);
    const err = rec.errors[0] as ConfigError;
    assert.equal(err.code, 'IR_ERR_CONFIG_INVALID');
    assert.deepEqual([err.issues[0]!.line, err.issues[0]!.path], [2, 'addresses[0]']);
    assert.match(err.message, /The previous version of a\.toml stays in service until the file is fixed\.$/);

    await writeFile(join(dir, 'broken.toml'), 'domains = ["broken.example.com"\n');
    await rec.until('the parse error', () => rec.errors.length === 2);
    assert.equal(rec.errors[1]!.code, 'IR_ERR_CONFIG_PARSE');
    assert.match(rec.errors[1]!.message, /1:  domains = \[[\s\S]*broken\.toml is not loaded until the file is fixed\.$/, 'the TOML excerpt, then the consequence');

    await writeFile(join(dir, 'c.toml'), server('c.example.com'));
    await rec.until('c to be added', () => rec.latest.has('c'));
    assert.deepEqual(rec.latest.get('a')?.addresses, [{ host: '127.0.0.1', port: 1111, weight: 1 }], 'a kept its last good version');

    await writeFile(join(dir, 'a.toml'), server('a.example.com', 2222));
    await rec.until('a to recover', () => rec.latest.get('a')?.addresses[0]?.port === 2222);
  });

  it('handles editors that save through a temp file and rename', async () => {
    await writeFile(join(dir, 'a.toml'), server('a.example.com'));
    const rec = new Recorder();
    watcher = watchServersDir(dir, rec.options);
    await watcher.ready;
    await rec.until('the initial scan', () => rec.latest.has('a'));

    await writeFile(join(dir, '.a.toml.tmp'), server('renamed.example.com'));
    await rename(join(dir, '.a.toml.tmp'), join(dir, 'a.toml'));
    await rec.until('the renamed-over file', () => rec.latest.get('a')?.domains[0] === 'renamed.example.com');

    await rename(join(dir, 'a.toml'), join(dir, 'z.toml'));
    await rec.until('the rename to a new name', () => !rec.latest.has('a') && rec.latest.has('z'));
    assert.deepEqual(rec.errors, []);
  });

  it('with an initial map, stays quiet (no re-reported errors) until something changes', async () => {
    await writeFile(join(dir, 'a.toml'), server('a.example.com'));
    await writeFile(join(dir, 'bad.toml'), 'addresses = 1\n');
    const initial = await loadServersDir(dir);
    assert.equal(initial.errors.length, 1);
    const rec = new Recorder();
    watcher = watchServersDir(dir, { ...rec.options, initial: initial.servers });
    await watcher.ready;
    assert.equal(rec.changes, 0);
    assert.deepEqual(rec.errors, [], 'the caller already reported bad.toml');
    await writeFile(join(dir, 'a.toml'), server('changed.example.com'));
    await rec.until('a to change', () => rec.latest.get('a')?.domains[0] === 'changed.example.com');
    assert.equal(rec.latest.size, 1);
    await writeFile(join(dir, 'bad.toml'), 'addresses = 2\n');
    await rec.until('the edited bad file to be reported', () => rec.errors.length === 1);
  });
});
