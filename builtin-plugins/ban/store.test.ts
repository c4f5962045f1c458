import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BanStore } from './store.ts';
import { addressTarget, anyTarget, normaliseTarget, playerTarget } from './target.ts';

const T0 = 1_700_000_000_000;
function clock(start = T0) {
  const c = { now: start, fn: () => c.now };
  return c;
}

test('matches IPs, ranges (v4, v6, v4-mapped), names case-insensitively and UUIDs in any form', () => {
  const s = new BanStore(undefined, { now: clock().fn });
  s.add({ type: 'ip', value: '203.0.113.7' }, { reason: 'ip' });
  s.add({ type: 'ip_range', value: '10.0.0.0/8' }, { reason: 'range4' });
  s.add({ type: 'ip_range', value: '2001:db8::/32' }, { reason: 'range6' });
  s.add({ type: 'username', value: 'Griefer' }, { reason: 'name' });
  s.add({ type: 'uuid', value: '069A79F444E94726A5BEFCA90E38AAF5' }, { reason: 'uuid' });
  assert.equal(s.checkAddress('203.0.113.7')?.reason, 'ip');
  assert.equal(s.checkAddress('::ffff:203.0.113.7')?.reason, 'ip');
  assert.equal(s.checkAddress('10.9.8.7')?.reason, 'range4');
  assert.equal(s.checkAddress('::ffff:10.9.8.7')?.reason, 'range4');
  assert.equal(s.checkAddress('2001:db8:1::5')?.reason, 'range6');
  assert.equal(s.checkAddress('203.0.113.8'), undefined);
  assert.equal(s.checkAddress('not-an-ip'), undefined);
  assert.equal(s.check({ username: 'gRIEFER' })?.reason, 'name');
  assert.equal(s.check({ uuid: '069a79f4-44e9-4726-a5be-fca90e38aaf5' })?.reason, 'uuid');
  assert.equal(s.check({ ip: '192.0.2.1', username: 'alice', uuid: '853c80ef-3c37-49fd-aa49-938b674adae6' }), undefined);
  assert.equal(s.get({ type: 'uuid', value: '069a79f4-44e9-4726-a5be-fca90e38aaf5' })?.target.value, '069a79f4-44e9-4726-a5be-fca90e38aaf5');
});

test('a ban replaces the previous ban of the same target; unban removes it and says if it existed', () => {
  const s = new BanStore(undefined, { now: clock().fn });
  s.add({ type: 'username', value: 'Bob' }, { reason: 'first' });
  s.add({ type: 'username', value: 'bob' }, { reason: 'second' });
  assert.equal(s.size, 1);
  assert.equal(s.check({ username: 'BOB' })?.reason, 'second');
  assert.equal(s.remove({ type: 'username', value: 'BOB' })?.reason, 'second');
  assert.equal(s.remove({ type: 'username', value: 'bob' }), undefined);
  s.add({ type: 'ip_range', value: '10.0.0.0/8' });
  s.remove({ type: 'ip_range', value: '10.1.0.0/8' });
  assert.equal(s.checkAddress('10.1.1.1'), undefined, 'the compiled range went with the ban');
});

test('expired bans are ignored on lookup and purged with an audit entry (injected clock)', () => {
  const c = clock();
  const s = new BanStore(undefined, { now: c.fn });
  const temp = s.add({ type: 'username', value: 'temp' }, { durationMs: 2_000, reason: 'short' });
  s.add({ type: 'username', value: 'perm' });
  assert.equal(temp.expires_at, (T0 + 2_000) / 1000);
  assert.equal(s.remainingMs(temp), 2_000);
  c.now += 1_999;
  assert.ok(s.check({ username: 'temp' }));
  c.now += 1;
  assert.equal(s.check({ username: 'temp' }), undefined);
  assert.deepEqual(s.list().map((e) => e.target.value), ['perm']);
  assert.equal(s.size, 2, 'still in the file until purged');
  assert.deepEqual(s.purge().map((e) => e.target.value), ['temp']);
  assert.equal(s.size, 1);
  assert.deepEqual(s.snapshot().audit_log.map((a) => a.action), ['ban', 'ban', 'expired']);
  assert.throws(() => s.add({ type: 'username', value: 'x' }, { durationMs: 0 }), RangeError);
});

test('the audit log is capped and can be switched off', () => {
  const s = new BanStore(undefined, { now: clock().fn, auditCap: 3 });
  for (let i = 0; i < 5; i++) s.add({ type: 'username', value: `p${i}` });
  assert.deepEqual(s.snapshot().audit_log.map((a) => a.target.value), ['p2', 'p3', 'p4']);
  const quiet = new BanStore({ bans: [], audit_log: s.snapshot().audit_log }, { now: clock().fn, auditLog: false });
  quiet.add({ type: 'username', value: 'q' });
  quiet.remove({ type: 'username', value: 'q' });
  assert.equal(quiet.snapshot().audit_log.length, 3, 'old entries kept, none added');
});

test('targets are validated and normalised', () => {
  assert.deepEqual(playerTarget('069A79F444E94726A5BEFCA90E38AAF5'), { type: 'uuid', value: '069a79f4-44e9-4726-a5be-fca90e38aaf5' });
  assert.deepEqual(playerTarget('Notch'), { type: 'username', value: 'Notch' });
  assert.deepEqual(addressTarget('::ffff:1.2.3.4'), { type: 'ip', value: '1.2.3.4' });
  assert.deepEqual(addressTarget('1.2.3.4/32'), { type: 'ip', value: '1.2.3.4' });
  assert.deepEqual(addressTarget('10.1.2.3/8'), { type: 'ip_range', value: '10.0.0.0/8' });
  assert.deepEqual(anyTarget('2001:db8::1'), { type: 'ip', value: '2001:db8::1' });
  assert.throws(() => addressTarget('999.1.1.1'), /not an IP address/);
  assert.throws(() => normaliseTarget({ type: 'uuid', value: 'nope' }), /not a UUID/);
  assert.throws(() => normaliseTarget({ type: 'bogus' as 'ip', value: 'x' }), /unknown target type/);
});

test('an address asked about before is answered again after bans, unbans and expiry (the verdict cache follows the list)', () => {
  const c = clock();
  const s = new BanStore(undefined, { now: c.fn });
  assert.equal(s.checkAddress('198.51.100.9'), undefined);
  s.add({ type: 'ip_range', value: '198.51.100.0/24' }, { reason: 'range', durationMs: 60_000 });
  assert.equal(s.checkAddress('198.51.100.9')?.reason, 'range');
  s.add({ type: 'ip', value: '198.51.100.9' }, { reason: 'exact' });
  assert.equal(s.checkAddress('198.51.100.9')?.reason, 'exact');
  s.remove({ type: 'ip', value: '198.51.100.9' });
  assert.equal(s.checkAddress('198.51.100.9')?.reason, 'range');
  c.now += 61_000;
  assert.equal(s.checkAddress('198.51.100.9'), undefined, 'the range ban expired without any change to the list');
  for (let i = 0; i < 5000; i++) s.checkAddress(`10.${i >> 8}.${i & 255}.1`);
  assert.equal(s.checkAddress('198.51.100.9'), undefined);
});
