import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TomlLocator } from './toml-locator.ts';

const SOURCE = `# comment
bind = "0.0.0.0:25565" # trailing
a.b.c = 1
"quoted.key" = 2

[rate_limit]
window = "10s"

[motd.online]
text = """
multi
line = not a key
"""
favicon = 'x.png'

[[plugins.x.wasm.mounts]]
host = "/a"

[[plugins.x.wasm.mounts]]
host = "/b"

[server]
addresses = [
  "one",   # first
  { address = "two", weight = 3 },
  [ "nested", "list" ],
]
rewrite = { explicit = "h", deep = { k = 1 } }
`;

describe('TomlLocator', () => {
  const loc = new TomlLocator(SOURCE);
  const cases: Array<[PropertyKey[], number]> = [
    [['bind'], 2],
    [['a', 'b', 'c'], 3],
    [['a'], 3],
    [['quoted.key'], 4],
    [['rate_limit'], 6],
    [['rate_limit', 'window'], 7],
    [['motd', 'online', 'text'], 10],
    [['motd', 'online', 'favicon'], 14],
    [['plugins', 'x', 'wasm', 'mounts', 0, 'host'], 17],
    [['plugins', 'x', 'wasm', 'mounts', 1, 'host'], 20],
    [['server', 'addresses', 0], 24],
    [['server', 'addresses', 1, 'weight'], 25],
    [['server', 'addresses', 2, 1], 26],
    [['server', 'rewrite', 'deep', 'k'], 28],
  ];
  for (const [path, line] of cases) {
    it(`finds ${path.join('.')} on line ${line}`, () => assert.equal(loc.lineOf(path), line));
  }
  it('does not mistake multi-line string content for keys', () => {
    assert.equal(loc.has(['motd', 'online', 'line']), false);
  });
  it('falls back to the closest ancestor, then line 1', () => {
    assert.equal(loc.lineOf(['rate_limit', 'status_window']), 6);
    assert.equal(loc.lineOf(['nowhere', 'at', 'all']), 1);
  });
});
