/**
 * What a plugin registers, wrapped so that every call into it runs in the plugin's scope
 * (plugin-scope.ts): the layers call the wrapper exactly as they would call the plugin's object.
 *
 * Objects (filters, factories, handlers, commands) are wrapped as `Object.create(original)` with
 * own wrapped methods for the hooks the original has: every other property (id, priority, name,
 * getters, prototype methods) reads through to the original, a hook it lacks stays absent (the
 * transport registry skips filters without data hooks), and the hooks run with the original as
 * `this`. Services are not wrapped: their methods run in the caller's scope.
 */
import type { CodecFilterFactory, CodecFilterInstance, TransportFilter } from '../../../sdk/filters.ts';
import type { LimboHandler } from '../../../sdk/limbo.ts';
import type { Command } from '../../../sdk/commands.ts';
import { pluginScope, scopedFunction, type PluginScope } from './plugin-scope.ts';

const TRANSPORT_HOOKS = ['onAccept', 'onClientData', 'onServerData', 'onClose'] as const;
const CODEC_HOOKS = ['filter', 'onStateChange', 'onCompression', 'onEncryption', 'onClose'] as const;
const LIMBO_HOOKS = ['onPlayerEnter', 'onChat', 'onCommand', 'onLeave'] as const;
const COMMAND_HOOKS = ['execute', 'complete'] as const;

/** The scopes of the hooks `original` has, named `<prefix>:<hook><suffix>`, made once per registration. */
function scopesOf(owner: string, original: object, hooks: readonly string[], prefix: string, suffix: string): Map<string, PluginScope> {
  const scopes = new Map<string, PluginScope>();
  for (const hook of hooks) {
    if (typeof (original as Record<string, unknown>)[hook] === 'function') scopes.set(hook, pluginScope(owner, `${prefix}:${hook}${suffix}`));
  }
  return scopes;
}

/** A copy of `original` whose hooks run in their scopes. */
function withScopes<T extends object>(original: T, scopes: ReadonlyMap<string, PluginScope>): T {
  const wrapped = Object.create(original) as Record<string, unknown>;
  for (const [hook, scope] of scopes) {
    const fn = (original as Record<string, unknown>)[hook];
    if (typeof fn === 'function') wrapped[hook] = scopedFunction(scope, fn as () => unknown, original);
  }
  return wrapped as T;
}

function scopedObject<T extends object>(owner: string, original: T, hooks: readonly string[], prefix: string, suffix: string): T {
  if (typeof original !== 'object' || original === null) return original; // the layer reports it
  return withScopes(original, scopesOf(owner, original, hooks, prefix, suffix));
}

/** An event or packet listener; a non-function passes through for the bus to refuse. */
export function scopedListener<F>(owner: string, hook: string, listener: F): F {
  if (typeof listener !== 'function') return listener;
  return scopedFunction(pluginScope(owner, hook), listener as () => unknown) as F;
}

export function scopedTransportFilter(owner: string, filter: TransportFilter): TransportFilter {
  return scopedObject(owner, filter, TRANSPORT_HOOKS, 'transport', ` ${filter?.id}`);
}

/** The factory, and each instance it creates (one per connection side). */
export function scopedCodecFactory(owner: string, factory: CodecFilterFactory): CodecFilterFactory {
  if (typeof factory !== 'object' || factory === null || typeof factory.create !== 'function') return factory;
  const suffix = ` ${factory.id}`;
  const create = scopedFunction(pluginScope(owner, `codec:create${suffix}`), factory.create, factory);
  // An instance's hooks are known only once it exists; their scopes are made once, up front.
  const instanceScopes = new Map(CODEC_HOOKS.map((hook) => [hook, pluginScope(owner, `codec:${hook}${suffix}`)]));
  const wrapped = Object.create(factory) as CodecFilterFactory;
  wrapped.create = function createInPluginScope(ctx) {
    const instance: CodecFilterInstance | undefined = create(ctx);
    return typeof instance !== 'object' || instance === null ? instance : withScopes(instance, instanceScopes);
  };
  return wrapped;
}

export function scopedLimboHandler(owner: string, handler: LimboHandler): LimboHandler {
  return scopedObject(owner, handler, LIMBO_HOOKS, 'limbo', ` ${handler?.name}`);
}

export function scopedCommand(owner: string, command: Command): Command {
  return scopedObject(owner, command, COMMAND_HOOKS, 'command', ` ${command?.name}`);
}

/** A scheduled task: `scheduler:delay` or `scheduler:interval`. */
export function scopedTask<F extends () => unknown>(owner: string, kind: string, task: F): F {
  return scopedListener(owner, `scheduler:${kind}`, task);
}
