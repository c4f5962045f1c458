import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodecRegistry, createCodecChain } from './codec-chain.ts';
import { recordingLogger } from './test-logger.ts';
import {
  dropPacket, passPacket, replacePacket,
  type CodecContext, type CodecFilterFactory, type CodecFilterInstance, type CodecVerdict, type FrameOutput, type FramedPacket,
} from '../../sdk/filters.ts';
import { isInfrarustError, type InfrarustError } from '../errors.ts';

const pkt = (id: number): FramedPacket => ({ id, data: new Uint8Array([id]) });
const ids = (packets: readonly FramedPacket[]): number[] => packets.map((p) => p.id);
const context = (): CodecContext => ({ connectionId: 1, side: 'client', protocolVersion: 767, state: 'play' });

function registry() {
  const logger = recordingLogger();
  const orderErrors: InfrarustError[] = [];
  return { reg: new CodecRegistry({ logger, onOrderError: (err) => orderErrors.push(err) }), logger, orderErrors };
}

/** A factory whose instances run `filter` and record every packet id they see under `id`. */
function factory(id: string, filter: (p: FramedPacket, out: FrameOutput) => CodecVerdict, seen?: Map<string, number[]>, extra: Partial<CodecFilterFactory> = {}): CodecFilterFactory {
  return {
    id,
    ...extra,
    create: () => ({
      filter(p, out) {
        if (seen !== undefined) seen.set(id, [...(seen.get(id) ?? []), p.id]);
        return filter(p, out);
      },
    }),
  };
}

test('no factory, or no factory wanting this connection, gives no chain', () => {
  const { reg } = registry();
  assert.equal(createCodecChain(reg, context()), null);
  reg.register('p', { id: 'server-only', create: (ctx) => (ctx.side === 'server' ? { filter: passPacket } : undefined) });
  assert.equal(createCodecChain(reg, context()), null);
  assert.notEqual(createCodecChain(reg, { ...context(), side: 'server' }), null);
});

test('pass, drop and replace; a replacement is what later filters see', () => {
  const { reg } = registry();
  const seen = new Map<string, number[]>();
  reg.register('p', factory('drop-9', (p) => (p.id === 9 ? dropPacket() : passPacket()), seen, { priority: 0 }));
  reg.register('p', factory('swap-1-for-2', (p) => (p.id === 1 ? replacePacket(pkt(2)) : passPacket()), seen, { priority: 10 }));
  reg.register('p', factory('watch', passPacket, seen, { priority: 20 }));
  const chain = createCodecChain(reg, context())!;
  assert.deepEqual(ids(chain.process(pkt(5))), [5]);
  assert.deepEqual(ids(chain.process(pkt(9))), []);
  assert.deepEqual(ids(chain.process(pkt(1))), [2]);
  assert.deepEqual(seen.get('watch'), [5, 2]);
  assert.deepEqual(seen.get('swap-1-for-2'), [5, 1]);
});

test('a passing packet comes out as the same object in a reused array', () => {
  const { reg } = registry();
  reg.register('p', factory('a', passPacket));
  const chain = createCodecChain(reg, context())!;
  const packet = pkt(1);
  const first = chain.process(packet);
  assert.equal(first[0], packet);
  assert.equal(chain.process(pkt(2)), first);
});

test('injected packets skip the injecting and earlier filters, pass through later ones, in order', () => {
  const { reg } = registry();
  const seen = new Map<string, number[]>();
  reg.register('p', factory('early', passPacket, seen, { priority: 0 }));
  reg.register('p', factory('injector', (p, out) => {
    if (p.id === 1) {
      out.injectBefore(pkt(10));
      out.injectAfter(pkt(20));
      out.injectAfter(pkt(21));
    }
    return passPacket();
  }, seen, { priority: 10 }));
  reg.register('p', factory('late', (p) => (p.id === 21 ? replacePacket(pkt(22)) : passPacket()), seen, { priority: 20 }));
  const chain = createCodecChain(reg, context())!;
  assert.deepEqual(ids(chain.process(pkt(1))), [10, 1, 20, 22]);
  assert.deepEqual(seen.get('early'), [1]);
  assert.deepEqual(seen.get('injector'), [1]);
  assert.deepEqual(seen.get('late'), [10, 1, 20, 21]);
  assert.deepEqual(ids(chain.process(pkt(2))), [2], 'injections do not leak into the next packet');
});

test('a filter may drop the packet and still inject around it; later filters may drop injections', () => {
  const { reg } = registry();
  reg.register('p', factory('rewrite', (_p, out) => {
    out.injectBefore(pkt(7));
    out.injectAfter(pkt(8));
    return dropPacket();
  }, undefined, { priority: 0 }));
  reg.register('p', factory('no-sevens', (p) => (p.id === 7 ? dropPacket() : passPacket())));
  assert.deepEqual(ids(createCodecChain(reg, context())!.process(pkt(1))), [8]);
});

test('an error verdict closes the connection with the filter and reason', () => {
  const { reg, logger } = registry();
  reg.register('guard', factory('guard:size', () => ({ type: 'error', reason: 'packet too big' })));
  const chain = createCodecChain(reg, context())!;
  assert.throws(() => chain.process(pkt(1)), (err) => isInfrarustError(err, 'IR_ERR_PLUGIN_CODEC_REJECT') && /guard:size/.test(err.message) && /packet too big/.test(err.message));
  assert.equal(logger.records.length, 0, 'a decision is not a plugin failure');
});

test('a throwing filter is logged with its owner and closes the connection', () => {
  const { reg, logger } = registry();
  const boom = new Error('boom');
  reg.register('buggy', factory('buggy:f', () => {
    throw boom;
  }));
  const chain = createCodecChain(reg, context())!;
  assert.throws(() => chain.process(pkt(1)), (err) => isInfrarustError(err, 'IR_ERR_PLUGIN_HOOK') && err.cause === boom);
  assert.deepEqual([logger.records[0].obj.plugin, logger.records[0].obj.hook, logger.records[0].obj.filter], ['buggy', 'codec:filter', 'buggy:f']);
});

test('a missing or unknown verdict, or a bad replacement, is treated as a failure', () => {
  for (const verdict of [undefined, { type: 'maybe' }, { type: 'replace', packet: { id: -1, data: new Uint8Array() } }]) {
    const { reg, logger } = registry();
    reg.register('p', factory('f', () => verdict as never));
    assert.throws(() => createCodecChain(reg, context())!.process(pkt(1)), (err) => isInfrarustError(err, 'IR_ERR_PLUGIN_HOOK'));
    assert.equal(logger.records.length, 1);
  }
});

test('a factory that throws closes the connection and closes instances already made', () => {
  const { reg } = registry();
  let closed = 0;
  reg.register('ok', { id: 'a', priority: 0, create: () => ({ filter: passPacket, onClose: () => void closed++ }) });
  reg.register('bad', { id: 'b', create: () => { throw new Error('no'); } });
  assert.throws(() => createCodecChain(reg, context()), (err) => isInfrarustError(err, 'IR_ERR_PLUGIN_HOOK') && /"b"/.test(err.message));
  assert.equal(closed, 1);
});

test('state, compression and encryption changes reach every instance in order; close is idempotent', () => {
  const { reg, logger } = registry();
  const calls: string[] = [];
  const instance = (name: string): CodecFilterInstance => ({
    filter: passPacket,
    onStateChange: (s) => void calls.push(`${name}:state:${s}`),
    onCompression: (t) => void calls.push(`${name}:compression:${t}`),
    onEncryption: () => void calls.push(`${name}:encryption`),
    onClose: () => {
      calls.push(`${name}:close`);
      throw new Error('close failure is only logged');
    },
  });
  reg.register('p', { id: 'b', create: () => instance('b') });
  reg.register('p', { id: 'a', create: () => instance('a') });
  const ctx = { ...context(), state: 'login' as const };
  const chain = createCodecChain(reg, ctx)!;
  chain.onEncryption();
  chain.onCompression(256);
  chain.setState('configuration');
  assert.equal(ctx.state, 'configuration');
  chain.close();
  chain.close();
  assert.deepEqual(calls, ['a:encryption', 'b:encryption', 'a:compression:256', 'b:compression:256', 'a:state:configuration', 'b:state:configuration', 'a:close', 'b:close']);
  assert.equal(logger.records.length, 2);
  assert.equal(chain.size, 0);
});

test('a throwing state callback closes the connection', () => {
  const { reg } = registry();
  reg.register('p', { id: 'a', create: () => ({ filter: passPacket, onStateChange: () => { throw new Error('x'); } }) });
  assert.throws(() => createCodecChain(reg, context())!.setState('play'), (err) => isInfrarustError(err, 'IR_ERR_PLUGIN_HOOK'));
});

test('filters run in after/before order', () => {
  const { reg } = registry();
  const order: string[] = [];
  const tag = (id: string, extra: Partial<CodecFilterFactory>) => factory(id, () => (order.push(id), passPacket()), undefined, extra);
  reg.register('p', tag('inspect', { after: ['decompress'] }));
  reg.register('p', tag('decompress', { priority: 200 }));
  reg.register('p', tag('first', { priority: 0 }));
  createCodecChain(reg, context())!.process(pkt(1));
  assert.deepEqual(order, ['first', 'decompress', 'inspect']);
  assert.deepEqual(reg.order, order);
});

test('removeOwner detaches that plugin from live chains (with onClose); later factories do not join', () => {
  const { reg } = registry();
  const seen = new Map<string, number[]>();
  let closed = false;
  reg.register('gone', { ...factory('g', passPacket, seen), create: () => ({ filter: (p) => (seen.set('g', [p.id]), passPacket()), onClose: () => void (closed = true) }) });
  reg.register('kept', factory('k', passPacket, seen));
  const chain = createCodecChain(reg, context())!;
  chain.process(pkt(1));
  assert.equal(reg.removeOwner('gone'), 1);
  reg.register('new', factory('n', dropPacket, seen));
  seen.clear();
  assert.deepEqual(ids(chain.process(pkt(2))), [2]);
  assert.equal(closed, true);
  assert.deepEqual([...seen.keys()], ['k']);
  assert.equal(chain.size, 1);
});

test('injecting outside filter() is logged and ignored', () => {
  const { reg, logger } = registry();
  let saved: FrameOutput | undefined;
  reg.register('p', factory('keeper', (_p, out) => ((saved = out), passPacket())));
  const chain = createCodecChain(reg, context())!;
  chain.process(pkt(1));
  saved!.injectAfter(pkt(99));
  assert.equal(logger.records[0].level, 'warn');
  assert.deepEqual(ids(chain.process(pkt(2))), [2]);
});

test('a duplicate id or a factory without create is refused', () => {
  const { reg } = registry();
  reg.register('a', factory('same', passPacket));
  assert.throws(() => reg.register('b', factory('same', passPacket)), (err) => isInfrarustError(err, 'IR_ERR_PLUGIN_FILTER_DUPLICATE'));
  assert.throws(() => reg.register('b', { id: 'x' } as never), TypeError);
});
