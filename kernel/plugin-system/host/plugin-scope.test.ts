import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentScope, hookName, HOOK_MARKS, MARK_CURRENT, MARK_LAST, onHookNamed, pluginScope, runInScope, scopedFunction, trackAsyncResources } from './plugin-scope.ts';
import { scopedCodecFactory, scopedTransportFilter } from './scoped-registrations.ts';
import { continueVerdict, passPacket, type TransportFilter } from '../../../sdk/filters.ts';
import { testContext } from '../../testing/plugin-test-kit.ts';

test('the scope follows plugin code into its timers and promises, and not into the kernel', async () => {
  trackAsyncResources(); // the host does this for plugins from plugins_dir
  const scope = pluginScope('alpha#1', 'event:PreLogin');
  const seen: (string | undefined)[] = [];
  let later!: Promise<void>;
  const listener = scopedFunction(scope, () => {
    seen.push(currentScope()?.owner);
    later = new Promise<void>((resolve) => setTimeout(() => {
      seen.push(currentScope()?.hook);
      void Promise.resolve().then(() => {
        seen.push(currentScope()?.plugin);
        resolve();
      });
    }, 1));
  });
  listener();
  seen.push(currentScope()?.owner ?? 'kernel');
  await later;
  assert.deepEqual(seen, ['alpha#1', 'kernel', 'event:PreLogin', 'alpha']);
});

test('the hook markers: current while the hook runs, last after it returned; names are announced once', () => {
  const named: string[] = [];
  const off = onHookNamed((_, name) => named.push(name));
  const scope = pluginScope('beta#3', 'scheduler:interval');
  const again = pluginScope('beta#4', 'scheduler:interval');
  off();
  assert.equal(scope.index, again.index, 'one table entry per plugin and hook, whatever the version');
  assert.equal(hookName(scope.index), 'beta scheduler:interval');
  assert.ok(named.includes('beta scheduler:interval'));
  let during = 0;
  runInScope(scope, () => void (during = HOOK_MARKS[MARK_CURRENT]));
  assert.equal(during, scope.index);
  assert.equal(HOOK_MARKS[MARK_CURRENT], 0);
  assert.equal(HOOK_MARKS[MARK_LAST], scope.index);
  assert.throws(() => runInScope(scope, () => { throw new Error('x'); }), /x/);
  assert.equal(HOOK_MARKS[MARK_CURRENT], 0, 'restored after a throw');
});

test('a wrapped filter reads like the original and runs its hooks with the original as this', () => {
  class Counting implements TransportFilter {
    readonly id = 'gamma:count';
    readonly priority = 16;
    accepted = 0;
    onAccept() {
      this.accepted++;
      return currentScope()?.hook === 'transport:onAccept gamma:count' ? continueVerdict() : { type: 'reject' as const };
    }
  }
  const original = new Counting();
  const wrapped = scopedTransportFilter('gamma#1', original);
  assert.equal(wrapped.id, 'gamma:count');
  assert.equal(wrapped.priority, 16);
  assert.equal(wrapped.onClientData, undefined, 'a hook the filter lacks stays absent');
  assert.equal(wrapped.onAccept!({ connectionId: 1, remoteAddress: '127.0.0.1', remotePort: 1, localPort: 2 }), continueVerdict());
  assert.equal(original.accepted, 1);
});

test('codec instances are wrapped per connection side', () => {
  const factory = scopedCodecFactory('delta#1', {
    id: 'delta:pass',
    create: () => ({ filter: () => (currentScope()?.hook === 'codec:filter delta:pass' ? passPacket() : { type: 'drop' as const }) }),
  });
  const instance = factory.create({ connectionId: 1, side: 'client', protocolVersion: 769, state: 'play' })!;
  assert.equal(instance.filter({ id: 1, data: new Uint8Array(0) }, undefined as never), passPacket());
  assert.equal(instance.onClose, undefined);
});

test('through a plugin context: listeners, commands and scheduled tasks run in the plugin scope', async () => {
  const t = testContext({}, { id: 'epsilon' });
  const hooks: (string | undefined)[] = [];
  t.ctx.events.on('PreLogin', () => void hooks.push(currentScope()?.hook));
  t.ctx.commands.register({ name: 'where', execute: () => void hooks.push(currentScope()?.hook) });
  t.ctx.scheduler.delay(10, () => void hooks.push(currentScope()?.hook));
  await t.fire('PreLogin', { player: { connectionId: 1, username: 'a', remoteAddress: '127.0.0.1', protocolVersion: 769 }, serverId: 's' });
  await t.ctx.commands.run('where', { reply: () => undefined, hasPermission: () => true }, []);
  await t.runTasks();
  assert.deepEqual(hooks, ['event:PreLogin', 'command:execute where', 'scheduler:delay']);
});
