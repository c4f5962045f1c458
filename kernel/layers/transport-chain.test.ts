import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INTERNAL_ERROR_REJECT, TransportRegistry, isReject } from './transport-chain.ts';
import { recordingLogger } from './test-logger.ts';
import { continueVerdict, rejectVerdict, type TransportContext, type TransportFilter } from '../../sdk/filters.ts';
import { isInfrarustError, type InfrarustError } from '../errors.ts';

const ctx: TransportContext = { connectionId: 7, remoteAddress: '10.0.0.1', remotePort: 50000, localPort: 25565 };
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function registry(acceptTimeoutMs?: number) {
  const logger = recordingLogger();
  const orderErrors: InfrarustError[] = [];
  const reg = new TransportRegistry({ logger, onOrderError: (err) => orderErrors.push(err), acceptTimeoutMs });
  return { reg, logger, orderErrors };
}

test('no filters: empty, no data hooks, accept continues', async () => {
  const { reg } = registry();
  assert.equal(reg.isEmpty, true);
  assert.equal(reg.hasDataHooks, false);
  assert.deepEqual(await reg.runAccept(ctx), continueVerdict());
  const data = bytes(1, 2);
  assert.equal(reg.runClientData(ctx, data), data);
});

test('a filter with only onAccept has no data hooks, so the relay can skip everything', () => {
  const { reg } = registry();
  reg.register('p', { id: 'gate', onAccept: () => continueVerdict() });
  assert.equal(reg.isEmpty, false);
  assert.equal(reg.hasDataHooks, false);
  reg.register('p', { id: 'sniff', onServerData: () => continueVerdict() });
  assert.equal(reg.hasClientDataHooks, false);
  assert.equal(reg.hasServerDataHooks, true);
  assert.equal(reg.hasDataHooks, true);
});

test('accept runs in filter order and the first reject wins', async () => {
  const { reg } = registry();
  const seen: string[] = [];
  const gate = (id: string, verdict = continueVerdict(), priority?: number): TransportFilter => ({
    id,
    priority,
    onAccept: () => {
      seen.push(id);
      return verdict;
    },
  });
  reg.register('p', gate('c', rejectVerdict('third')));
  reg.register('p', gate('a', continueVerdict(), 0));
  reg.register('p', gate('b', rejectVerdict('banned ip')));
  const verdict = await reg.runAccept(ctx);
  assert.deepEqual(verdict, rejectVerdict('banned ip'));
  assert.deepEqual(seen, ['a', 'b']);
});

test('an async onAccept is awaited; one that times out rejects', async () => {
  const { reg, logger } = registry(50);
  reg.register('slow', { id: 'slow', onAccept: () => new Promise(() => {}) });
  assert.equal(await reg.runAccept(ctx), INTERNAL_ERROR_REJECT);
  assert.ok(isInfrarustError(logger.records[0].obj.err, 'IR_ERR_PLUGIN_HOOK'));
  const { reg: reg2 } = registry(50);
  reg2.register('p', { id: 'async', onAccept: async () => rejectVerdict('later') });
  assert.deepEqual(await reg2.runAccept(ctx), rejectVerdict('later'));
});

test('a throwing hook rejects (fail closed) and is logged with its owner', async () => {
  const { reg, logger } = registry();
  reg.register('buggy', {
    id: 'buggy:gate',
    onAccept() {
      throw new Error('boom');
    },
    onClientData() {
      throw new Error('boom');
    },
  });
  assert.equal(await reg.runAccept(ctx), INTERNAL_ERROR_REJECT);
  const out = reg.runClientData(ctx, bytes(1));
  assert.ok(isReject(out));
  assert.equal(out, INTERNAL_ERROR_REJECT);
  assert.deepEqual(logger.records.map((r) => [r.obj.plugin, r.obj.hook, r.obj.filter]), [
    ['buggy', 'transport:onAccept', 'buggy:gate'],
    ['buggy', 'transport:onClientData', 'buggy:gate'],
  ]);
});

test('data flows through each filter in order; modified bytes reach the next one', () => {
  const { reg } = registry();
  const seen: number[][] = [];
  reg.register('p', { id: 'double', priority: 0, onClientData: (_c, d) => ({ type: 'modified', data: d.map((x) => x * 2) }) });
  reg.register('p', { id: 'watch', onClientData: (_c, d) => (seen.push([...d]), continueVerdict()) });
  reg.register('p', { id: 'other-direction', onServerData: () => rejectVerdict('never for client data') });
  const out = reg.runClientData(ctx, bytes(1, 2, 3));
  assert.ok(!isReject(out));
  assert.deepEqual([...out], [2, 4, 6]);
  assert.deepEqual(seen, [[2, 4, 6]]);
  assert.deepEqual(reg.runServerData(ctx, bytes(1)), rejectVerdict('never for client data'));
});

test('a data hook that returns garbage (or a promise) rejects', () => {
  const { reg, logger } = registry();
  reg.register('p', { id: 'bad', onServerData: (() => Promise.reject(new Error('async by mistake'))) as never });
  assert.ok(isReject(reg.runServerData(ctx, bytes(1))));
  assert.equal(logger.records[0].obj.plugin, 'p');
});

test('runClose tells every filter even when one throws', () => {
  const { reg, logger } = registry();
  const closed: string[] = [];
  reg.register('a', { id: 'a', onClose: () => { throw new Error('x'); } });
  reg.register('b', { id: 'b', onClose: () => void closed.push('b') });
  reg.runClose(ctx);
  assert.deepEqual(closed, ['b']);
  assert.equal(logger.records[0].obj.hook, 'transport:onClose');
});

test('unregister and removeOwner take filters out of every hook list', async () => {
  const { reg } = registry();
  const stop = reg.register('gone', { id: 'g1', onAccept: () => rejectVerdict('x') });
  reg.register('gone', { id: 'g2', onClientData: () => rejectVerdict('y') });
  reg.register('kept', { id: 'k', onClientData: () => continueVerdict() });
  stop();
  stop();
  assert.deepEqual(await reg.runAccept(ctx), continueVerdict());
  assert.equal(reg.removeOwner('gone'), 1);
  assert.equal(reg.removeOwner('gone'), 0);
  assert.deepEqual(reg.order, ['k']);
  assert.ok(!isReject(reg.runClientData(ctx, bytes(1))));
});

test('a duplicate id is refused naming both owners', () => {
  const { reg } = registry();
  reg.register('first', { id: 'same' });
  assert.throws(() => reg.register('second', { id: 'same' }), (err) => isInfrarustError(err, 'IR_ERR_PLUGIN_FILTER_DUPLICATE') && /second/.test(err.message) && /first/.test(err.message));
});

test('a cycle keeps the previous order in force and is reported; breaking it activates the filter', () => {
  const { reg, orderErrors } = registry();
  reg.register('p', { id: 'a', after: ['b'] });
  reg.register('p', { id: 'b', priority: 0 });
  assert.deepEqual(reg.order, ['b', 'a']);
  const stop = reg.register('q', { id: 'c', before: ['b'], after: ['a'] });
  assert.equal(orderErrors.length, 1);
  assert.match(orderErrors[0].message, /a -> c -> b -> a/);
  assert.deepEqual(reg.order, ['b', 'a'], 'previous good order kept');
  stop();
  assert.deepEqual(reg.order, ['b', 'a']);
  reg.register('q', { id: 'c2', before: ['b'] });
  assert.deepEqual(reg.order, ['c2', 'b', 'a']);
});

test('removing a filter while a cycle persists drops it from the kept order', () => {
  const { reg, orderErrors } = registry();
  reg.register('p', { id: 'x', before: ['y'] });
  reg.register('p', { id: 'y' });
  reg.register('w', { id: 'w', priority: 255 });
  reg.register('q', { id: 'z', after: ['y'], before: ['x'] });
  assert.equal(orderErrors.length, 1);
  assert.deepEqual(reg.order, ['x', 'y', 'w']);
  reg.removeOwner('w');
  assert.equal(orderErrors.length, 2, 'still a cycle');
  assert.deepEqual(reg.order, ['x', 'y']);
  reg.removeOwner('p');
  assert.deepEqual(reg.order, ['z'], 'cycle broken: the waiting filter becomes active');
});

test('a newer generation of the same plugin shadows its filter id during a reload; undoing it restores the old', async () => {
  const errors: unknown[] = [];
  const reg = new TransportRegistry({ logger: recordingLogger(), onOrderError: (e) => void errors.push(e) });
  const seen: string[] = [];
  reg.register('p#1', { id: 'p:f', onClientData: () => (seen.push('old'), { type: 'continue' }) });
  const undoNew = reg.register('p#2', { id: 'p:f', onClientData: () => (seen.push('new'), { type: 'continue' }) });
  const ctx = { connectionId: 1, remoteAddress: '127.0.0.1', remotePort: 1, localPort: 2 };
  reg.runClientData(ctx, new Uint8Array(1));
  undoNew();
  reg.runClientData(ctx, new Uint8Array(1));
  assert.deepEqual(seen, ['new', 'old']);
  assert.throws(() => reg.register('other#1', { id: 'p:f' }), /already registered by plugin p#1/);
  assert.deepEqual(errors, []);
});
