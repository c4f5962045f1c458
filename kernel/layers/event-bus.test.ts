import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { EventBus, INTERNAL_ERROR_DENIAL } from './event-bus.ts';
import { recordingLogger } from './test-logger.ts';
import type { LayerLogger } from './layer-logger.ts';
import { allow, deny, modify } from '../../sdk/results.ts';
import { EventPriority, type EventMap, type PlayerRef } from '../../sdk/events.ts';
import { isInfrarustError } from '../errors.ts';

const player: PlayerRef = { connectionId: 1, username: 'Steve', remoteAddress: '127.0.0.1', protocolVersion: 767 };
const preLogin = (): EventMap['PreLogin'] => ({ player, serverId: 'lobby' });
const chat = (message = 'hi'): EventMap['ChatMessage'] => ({ player, message });
const raw = (packetId: number, state = 'play', direction: 'serverbound' | 'clientbound' = 'serverbound'): EventMap['RawPacket'] => ({
  player, direction, state, packetId, data: new Uint8Array(0),
});
const never = (): Promise<never> => new Promise(() => {});
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function bus(options: { timeoutMs?: number; slowWarnMs?: number } = {}) {
  const logger = recordingLogger();
  return { bus: new EventBus({ logger, ...options }), logger };
}

test('lowest priority first; equal priorities in registration order; default is NORMAL', async () => {
  const { bus: b } = bus();
  const seen: string[] = [];
  b.on('a', 'PostLogin', () => void seen.push('late'), { priority: EventPriority.LATE });
  b.on('a', 'PostLogin', () => void seen.push('normal-1'));
  b.on('a', 'PostLogin', () => void seen.push('first'), { priority: EventPriority.FIRST });
  b.on('a', 'PostLogin', () => void seen.push('normal-2'), { priority: 128 });
  b.on('a', 'PostLogin', () => void seen.push('last'), { priority: 255 });
  await b.fire('PostLogin', { player });
  assert.deepEqual(seen, ['first', 'normal-1', 'normal-2', 'late', 'last']);
});

test('priority must be an integer 0-255', () => {
  const { bus: b } = bus();
  for (const priority of [-1, 256, 1.5, Number.NaN]) {
    assert.throws(() => b.on('a', 'PostLogin', () => {}, { priority }), (err) => isInfrarustError(err, 'IR_ERR_PLUGIN_REGISTRATION_INVALID'));
  }
  assert.equal(b.listenerCount(), 0);
});

test('every listener sees earlier changes on the same object, and results replace each other', async () => {
  const { bus: b } = bus();
  const seen: unknown[] = [];
  b.on('a', 'ChatMessage', (e) => void (e.message = e.message.toUpperCase()), { priority: 0 });
  b.on('b', 'ChatMessage', (e) => {
    seen.push(e.message, e.result);
    return deny('no shouting');
  });
  b.on('c', 'ChatMessage', (e) => {
    seen.push(e.result);
    return modify('quiet');
  }, { priority: 200 });
  const event = chat('hi');
  const out = await b.fire('ChatMessage', event);
  assert.equal(out, event);
  assert.deepEqual(seen, ['HI', undefined, deny('no shouting')]);
  assert.deepEqual(event.result, modify('quiet'));
});

test('an async listener result is applied before the next listener runs', async () => {
  const { bus: b } = bus();
  b.on('a', 'PreLogin', async () => {
    await sleep(5);
    return deny('banned');
  });
  let seen: unknown;
  b.on('b', 'PreLogin', (e) => void (seen = e.result));
  const event = await b.fire('PreLogin', preLogin());
  assert.deepEqual(seen, deny('banned'));
  assert.deepEqual(event.result, deny('banned'));
});

test('access event: a throwing listener denies and stops the chain (fail closed)', async () => {
  const { bus: b, logger } = bus();
  let laterRan = false;
  b.on('good', 'PreLogin', () => allow(), { priority: 0 });
  b.on('broken', 'PreLogin', function brokenBan() {
    throw new Error('db down');
  });
  b.on('later', 'PreLogin', () => {
    laterRan = true;
    return allow();
  }, { priority: 200 });
  const event = await b.fire('PreLogin', preLogin());
  assert.equal(event.result, INTERNAL_ERROR_DENIAL);
  assert.equal(event.result?.type, 'denied');
  assert.equal(laterRan, false);
  assert.equal(logger.records.length, 1);
  assert.equal(logger.records[0].level, 'error');
  assert.equal(logger.records[0].obj.plugin, 'broken');
  assert.equal(logger.records[0].obj.hook, 'event:PreLogin');
  assert.equal((logger.records[0].obj.err as Error).message, 'db down');
});

test('access event: a listener that times out denies and stops the chain', async () => {
  const { bus: b, logger } = bus({ timeoutMs: 50 });
  let laterRan = false;
  b.on('slow', 'ServerPreConnect', () => never());
  b.on('later', 'ServerPreConnect', () => void (laterRan = true), { priority: 200 });
  const started = Date.now();
  const event = await b.fire('ServerPreConnect', { player, serverId: 'lobby' });
  assert.ok(Date.now() - started >= 45);
  assert.equal(event.result?.type, 'denied');
  assert.equal(laterRan, false);
  assert.equal(logger.records[0].obj.plugin, 'slow');
  assert.ok(isInfrarustError(logger.records[0].obj.err, 'IR_ERR_PLUGIN_HOOK'));
});

test('access event: a rejected promise denies too', async () => {
  const { bus: b } = bus();
  b.on('a', 'ConnectionHandshake', async () => {
    throw new Error('nope');
  });
  const event = await b.fire('ConnectionHandshake', { conn: { connectionId: 1, remoteAddress: '::1', remotePort: 5 }, domain: 'x', protocolVersion: 767, intent: 'login' });
  assert.equal(event.result?.type, 'denied');
});

test('resulted event: a throwing listener is logged and skipped, earlier result kept (fail open)', async () => {
  const { bus: b, logger } = bus();
  let laterRan = false;
  b.on('a', 'ChatMessage', () => deny('spam'), { priority: 0 });
  b.on('broken', 'ChatMessage', () => {
    throw new Error('bug');
  });
  b.on('c', 'ChatMessage', () => void (laterRan = true), { priority: 200 });
  const event = await b.fire('ChatMessage', chat());
  assert.deepEqual(event.result, deny('spam'));
  assert.equal(laterRan, true);
  assert.equal(logger.records[0].obj.plugin, 'broken');
  assert.equal(logger.records[0].obj.hook, 'event:ChatMessage');
});

test('observer event: a timed-out listener is logged and the next one runs', async () => {
  const { bus: b, logger } = bus({ timeoutMs: 50 });
  let laterRan = false;
  b.on('slow', 'Disconnect', () => never());
  b.on('b', 'Disconnect', () => void (laterRan = true));
  await b.fire('Disconnect', { player });
  assert.equal(laterRan, true);
  assert.equal(logger.records.length, 1);
  assert.equal(logger.records[0].obj.hook, 'event:Disconnect');
});

test('a return value that is not a result is a listener bug: ignored when resulted, denied when access', async () => {
  const { bus: b, logger } = bus();
  const bad = (() => 42) as unknown as () => undefined;
  b.on('a', 'ChatMessage', bad);
  assert.equal((await b.fire('ChatMessage', chat())).result, undefined);
  assert.equal(logger.records.length, 1);
  b.on('a', 'PreLogin', bad);
  assert.equal((await b.fire('PreLogin', preLogin())).result?.type, 'denied');
  b.on('a', 'PostLogin', bad);
  await b.fire('PostLogin', { player });
  assert.equal(logger.records.length, 2, 'observer return values are ignored');
});

test('only listeners that return a promise get a timer', async () => {
  const { bus: b } = bus();
  const realSetTimeout = globalThis.setTimeout;
  let timers = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    timers++;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  try {
    b.on('a', 'ChatMessage', () => modify('x'));
    b.on('a', 'ChatMessage', () => {});
    await b.fire('ChatMessage', chat());
    assert.equal(timers, 0);
    b.on('a', 'ChatMessage', async () => {});
    await b.fire('ChatMessage', chat());
    assert.equal(timers, 1);
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
});

test('a slow listener is logged as a warning and still counts', async () => {
  const { bus: b, logger } = bus({ slowWarnMs: 10 });
  b.on('sloth', 'PreLogin', async () => {
    await sleep(30);
    return deny('late but valid');
  });
  const event = await b.fire('PreLogin', preLogin());
  assert.deepEqual(event.result, deny('late but valid'));
  assert.equal(logger.records[0].level, 'warn');
  assert.equal(logger.records[0].obj.plugin, 'sloth');
});

test('a fire with no listeners returns the event untouched', async () => {
  const { bus: b } = bus();
  const event = preLogin();
  assert.equal(b.listenerCount('PreLogin'), 0);
  assert.equal(await b.fire('PreLogin', event), event);
  assert.equal(event.result, undefined);
});

test('packet subscriptions: an O(1) lookup per (direction, state, id), merged with catch-all listeners by priority', async () => {
  const { bus: b } = bus();
  const seen: string[] = [];
  assert.equal(b.hasPacketListeners('serverbound', 'play', 0x06), false);
  b.onPacket('a', { direction: 'serverbound', state: 'play', packetId: 0x06 }, () => void seen.push('chat'), { priority: 200 });
  assert.equal(b.hasPacketListeners('serverbound', 'play', 0x06), true);
  assert.equal(b.hasPacketListeners('clientbound', 'play', 0x06), false);
  assert.equal(b.hasPacketListeners('serverbound', 'login', 0x06), false);
  assert.equal(b.hasPacketListeners('serverbound', 'play', 0x07), false);
  await b.fire('RawPacket', raw(0x07));
  assert.equal(seen.length, 0);
  await b.fire('RawPacket', raw(0x06));
  assert.deepEqual(seen, ['chat']);

  const stop = b.on('b', 'RawPacket', () => void seen.push('all'), { priority: 0 });
  assert.equal(b.hasPacketListeners('clientbound', 'status', 0x00), true, 'a catch-all listener selects every packet');
  seen.length = 0;
  await b.fire('RawPacket', raw(0x06));
  await b.fire('RawPacket', raw(0x07));
  assert.deepEqual(seen, ['all', 'chat', 'all']);
  assert.equal(b.listenerCount('RawPacket'), 2);
  stop();
  assert.equal(b.hasPacketListeners('clientbound', 'status', 0x00), false);
});

test('a packet listener can drop the packet through its result', async () => {
  const { bus: b } = bus();
  b.onPacket('a', { direction: 'clientbound', state: 'configuration', packetId: 3 }, () => ({ type: 'drop' }));
  const event = await b.fire('RawPacket', raw(3, 'configuration', 'clientbound'));
  assert.deepEqual(event.result, { type: 'drop' });
});

test('a bad packet selector is refused', () => {
  const { bus: b } = bus();
  const bad = [
    { direction: 'serverbound', state: 'nether', packetId: 1 },
    { direction: 'sideways', state: 'play', packetId: 1 },
    { direction: 'serverbound', state: 'play', packetId: -1 },
    { direction: 'serverbound', state: 'play', packetId: 1.5 },
  ];
  for (const selector of bad) {
    assert.throws(() => b.onPacket('a', selector as never, () => {}), (err) => isInfrarustError(err, 'IR_ERR_PLUGIN_REGISTRATION_INVALID'));
  }
});

test('removeOwner removes every listener of that owner and nothing else', async () => {
  const { bus: b } = bus();
  const seen: string[] = [];
  b.on('gone', 'PostLogin', () => void seen.push('gone'));
  const stop = b.on('gone', 'ChatMessage', () => {});
  b.onPacket('gone', { direction: 'serverbound', state: 'play', packetId: 1 }, () => {});
  b.on('kept', 'PostLogin', () => void seen.push('kept'));
  stop();
  assert.equal(b.removeOwner('gone'), 2);
  assert.equal(b.removeOwner('gone'), 0);
  stop();
  assert.equal(b.listenerCount(), 1);
  assert.equal(b.listenerCount('ChatMessage'), 0);
  assert.equal(b.hasPacketListeners('serverbound', 'play', 1), false);
  await b.fire('PostLogin', { player });
  assert.deepEqual(seen, ['kept']);
});

test('a listener removed during a fire is not called later in that fire', async () => {
  const { bus: b } = bus();
  const seen: string[] = [];
  let stopSecond = (): void => {};
  b.on('a', 'PostLogin', () => {
    seen.push('first');
    stopSecond();
  });
  stopSecond = b.on('b', 'PostLogin', () => void seen.push('second'));
  await b.fire('PostLogin', { player });
  assert.deepEqual(seen, ['first']);
});

test('unknown events and non-function listeners are refused', () => {
  const { bus: b } = bus();
  assert.throws(() => b.on('a', 'NoSuchEvent' as never, () => {}), /unknown event/);
  assert.throws(() => b.on('a', 'PostLogin', 'x' as never), /must be a function/);
});

test('a pino logger fits LayerLogger', () => {
  const logger: LayerLogger = pino({ level: 'silent' });
  assert.ok(new EventBus({ logger }));
  assert.throws(() => new EventBus({ logger, timeoutMs: 0 }), RangeError);
});
