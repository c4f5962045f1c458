/**
 * A sandboxed Infrarust plugin: a WebAssembly component built from this file by
 * `infrarust plugin build`. It can only call the interfaces of its world (types/ has them,
 * generated from the WIT); list opt-in capabilities in plugin.json "capabilities" and ask the
 * operator to grant them in `[plugins.<id>] permissions`. Top-level code runs at build time:
 * register listeners and commands in onEnable.
 */
import { subscribe } from 'infrarust:plugin/events@0.1.0';
import { register } from 'infrarust:plugin/commands@0.1.0';
import { log } from 'infrarust:plugin/log@0.1.0';
import type { Event, EventOutcome } from 'infrarust:plugin/types@0.1.0';

declare const INFRARUST_PLUGIN_ID: string; // from plugin.json, set by `plugin build`
declare const INFRARUST_PLUGIN_VERSION: string;

const EventPriority = { FIRST: 0, EARLY: 64, NORMAL: 128, LATE: 192, LAST: 255 } as const;
let greetings = 0;

export const guest = {
  metadata: () => ({ id: INFRARUST_PLUGIN_ID, version: INFRARUST_PLUGIN_VERSION }),

  onEnable(): void {
    subscribe('ProxyPing', EventPriority.LATE);
    register({ name: 'hello', aliases: [], description: 'Says hello from WASM', usage: 'hello [name]' });
    log('info', 'enabled');
  },

  onDisable(): void {},

  onEvent(_listener: bigint, event: Event): EventOutcome {
    if (event.name !== 'ProxyPing') return { tag: 'unchanged' };
    const { response } = JSON.parse(event.payload) as { response: { description: unknown } };
    response.description = { text: 'Hello from a WASM plugin', color: 'gold' };
    return { tag: 'response', val: JSON.stringify(response) };
  },

  onCommand(name: string, args: string[], sender: string | undefined): string[] {
    greetings++;
    return [`Hello, ${args[0] ?? sender ?? 'console'}! (${name} #${greetings})`];
  },

  onTask(_task: bigint): void {},
};
