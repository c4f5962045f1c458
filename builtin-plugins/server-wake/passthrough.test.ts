import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerManagerService, ServerState } from 'infrarust/sdk';
import { ServerWakeSchema } from './options.ts';
import { isForwardingMode, passthroughRefusal } from './passthrough.ts';
import { StartTimes } from './start-times.ts';

function deps(state: ServerState | undefined) {
  const starts: string[] = [];
  const manager = {
    describe: (id: string) => (state === undefined ? undefined : { serverId: id, type: 'local', state, since: 0, startTimeoutMs: 60_000, players: 0 }),
    start: async (id: string) => (starts.push(id), { ok: true as const, state: 'starting' as const }),
  } as unknown as ServerManagerService;
  const log = { info: () => undefined, warn: () => undefined };
  const options = ServerWakeSchema.parse({ passthrough_kick: '&e{server}: rejoin in {seconds} s' });
  return { starts, d: { manager, options, times: new StartTimes(), now: 10_000, pendingStart: new Set<string>(), log } };
}

test('a sleeping passthrough server is started and the login refused with the estimate', () => {
  const { starts, d } = deps('sleeping');
  assert.equal(passthroughRefusal('survival', 'Steve', d), '§esurvival: rejoin in 30 s');
  assert.deepEqual(starts, ['survival']);
});

test('starting: refused without a second start, the estimate counts the time already spent', () => {
  const { starts, d } = deps('starting');
  assert.equal(passthroughRefusal('survival', 'Steve', d), '§esurvival: rejoin in 20 s');
  assert.deepEqual(starts, []);
});

test('stopping: refused, started once sleeping; online, unknown and unmanaged pass', () => {
  const stopping = deps('stopping');
  assert.match(passthroughRefusal('survival', 'Steve', stopping.d) ?? '', /rejoin/);
  assert.deepEqual([...stopping.d.pendingStart], ['survival']);
  for (const s of ['online', 'unknown', undefined] as const) assert.equal(passthroughRefusal('survival', 'Steve', deps(s).d), undefined);
});

test('forwarding modes', () => {
  assert.deepEqual(['passthrough', 'zero_copy', 'server_only', 'client_only', 'offline'].map(isForwardingMode), [true, true, true, false, false]);
});
