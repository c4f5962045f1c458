import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinChecker, type PermissionsConfig } from './permissions.ts';

const config = (over: Partial<PermissionsConfig> = {}): PermissionsConfig => ({ provider: 'builtin', admins: [], player_commands: [], trust_offline_admins: false, ...over });
const steve = { name: 'Steve', uuid: '069a79f4-44e9-4726-a5be-fca90e38aaf5', verified: true };

test('admins by name (any case) or UUID (dashed or not) may do everything', () => {
  for (const admin of ['steve', '069A79F444E94726A5BEFCA90E38AAF5', '069a79f4-44e9-4726-a5be-fca90e38aaf5']) {
    assert.equal(builtinChecker(config({ admins: [admin] }), steve)('anything.at.all'), true, admin);
  }
  assert.equal(builtinChecker(config({ admins: ['Alex'] }), steve)('infrarust.command.version'), false);
});

test('unverified players match admins only with trust_offline_admins', () => {
  const offline = { ...steve, verified: false };
  assert.equal(builtinChecker(config({ admins: ['Steve'] }), offline)('x'), false);
  assert.equal(builtinChecker(config({ admins: [steve.uuid] }), offline)('x'), false);
  assert.equal(builtinChecker(config({ admins: ['Steve'], trust_offline_admins: true }), offline)('x'), true);
});

test('player_commands: subcommand names and dotted permissions', () => {
  const check = builtinChecker(config({ player_commands: ['Version', 'hub.use'] }), steve);
  assert.equal(check('infrarust.command.version'), true);
  assert.equal(check('infrarust.command.servers'), false);
  assert.equal(check('hub.use'), true);
});

test('another provider grants nothing by default, admins included', () => {
  for (const provider of ['none', 'luckperms']) assert.equal(builtinChecker(config({ provider, admins: ['Steve'] }), steve)('x'), false);
});
