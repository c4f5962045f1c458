/**
 * The one wrapper for calls into plugin code: attaches plugin id and hook name to errors,
 * applies the hook's time limit, and never lets a plugin fault escape into the kernel.
 */
import { InfrarustError } from '../../errors.ts';

export class PluginCallError extends InfrarustError {
  constructor(readonly plugin: string, readonly hook: string, cause: unknown, timedOut = false) {
    super(
      hook === 'setup' ? 'IR_ERR_PLUGIN_SETUP' : 'IR_ERR_PLUGIN_HOOK',
      timedOut ? `plugin ${plugin}: ${hook} did not finish in time` : `plugin ${plugin}: ${hook} failed: ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
}

/** Runs `fn`, converting a throw, a rejection or a timeout into a PluginCallError. */
export async function callPlugin<T>(plugin: string, hook: string, timeoutMs: number, fn: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = fn();
    if (!(value instanceof Promise)) return value;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PluginCallError(plugin, hook, undefined, true)), timeoutMs);
    });
    return await Promise.race([value, timeout]);
  } catch (err) {
    if (err instanceof PluginCallError) throw err;
    throw new PluginCallError(plugin, hook, err);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
