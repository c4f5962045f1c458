/**
 * A sandboxed Infrarust plugin: a WebAssembly component built from this file by
 * `infrarust plugin build`. `guest.ts` gives it the sdk's event names, payload types and result
 * helpers; it can only call the interfaces of its world (types/, generated from the WIT). List
 * opt-in capabilities in plugin.json "capabilities" and ask the operator to grant them in
 * `[plugins.<id>] permissions`. Top-level code runs at build time: register in onEnable.
 */
import { command, config, definePlugin, deny, EventPriority, log, on } from './guest.ts';

/** `[plugins.__PLUGIN_ID__]` keys (config-read). */
interface Settings {
  motd?: string;
  blocked?: string[];
}

let greetings = 0;

export const guest = definePlugin({
  onEnable() {
    const settings = config<Settings>();
    // Rewrite the server-list MOTD: change the response in place, as a native listener does.
    on('ProxyPing', (e) => {
      e.response.description = { text: settings.motd ?? 'Hello from a WASM plugin', color: 'gold' };
    }, EventPriority.LATE);
    // An access event: deny a login by name.
    on('PreLogin', (e) => ((settings.blocked ?? []).includes(e.player.username) ? deny(`§cNo entry for ${e.player.username}`) : undefined));
    command({ name: 'hello', description: 'Says hello from WASM', usage: 'hello [name]' }, (args, sender) => {
      greetings++;
      return `Hello, ${args[0] ?? sender ?? 'console'}! (#${greetings})`;
    });
    log('info', 'enabled');
  },
});
