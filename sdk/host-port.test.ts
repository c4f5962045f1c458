import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatHostPort, parseHostPort } from './host-port.ts';
import { parseCidr } from './cidr.ts';

describe('parseHostPort', () => {
  const opts = { defaultPort: 25565 };
  const valid: Array<[string, string, number]> = [
    ['127.0.0.1:25566', '127.0.0.1', 25566],
    ['mc.example.com', 'mc.example.com', 25565],
    ['backend_1:1', 'backend_1', 1],
    ['[::1]:25565', '::1', 25565],
    ['[2001:db8::1]', '2001:db8::1', 25565],
    ['::1', '::1', 25565],
  ];
  for (const [text, host, port] of valid) {
    it(`parses ${text}`, () => assert.deepEqual(parseHostPort(text, opts), { host, port }));
  }
  const invalid: Array<[string, RegExp]> = [
    ['', /empty/],
    ['host:0', /1 to 65535/],
    ['host:65536', /1 to 65535/],
    ['host:http', /port/],
    ['::1:25565', /brackets/],
    ['[::1:25565', /closing/],
    ['[1.2.3.4]:80', /not a valid IPv6/],
    ['bad host:1', /whitespace/],
    ['-bad-:1', /not a valid host/],
  ];
  for (const [text, message] of invalid) {
    it(`rejects ${JSON.stringify(text)}`, () => assert.throws(() => parseHostPort(text, opts), message));
  }
  it('requires a port when there is no default, allows 0 when asked', () => {
    assert.throws(() => parseHostPort('127.0.0.1'), /no port/);
    assert.deepEqual(parseHostPort('127.0.0.1:0', { allowPortZero: true }), { host: '127.0.0.1', port: 0 });
  });
  it('formats IPv6 with brackets', () => {
    assert.equal(formatHostPort({ host: '::1', port: 1 }), '[::1]:1');
    assert.equal(formatHostPort({ host: 'a.b', port: 2 }), 'a.b:2');
  });
});

describe('parseCidr', () => {
  it('parses ranges and bare addresses', () => {
    assert.deepEqual(parseCidr('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    assert.deepEqual(parseCidr('203.0.113.7'), { address: '203.0.113.7', prefix: 32, family: 'ipv4' });
    assert.deepEqual(parseCidr('2001:db8::/32'), { address: '2001:db8::', prefix: 32, family: 'ipv6' });
    assert.deepEqual(parseCidr('::1'), { address: '::1', prefix: 128, family: 'ipv6' });
  });
  it('rejects bad ranges', () => {
    assert.throws(() => parseCidr('10.0.0.0/33'), /prefix/);
    assert.throws(() => parseCidr('example.com'), /not an IP/);
    assert.throws(() => parseCidr('10.0.0.0/x'), /prefix/);
  });
});
