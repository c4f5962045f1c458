/**
 * Name-keyed registries for the parts of the plugin API that are not event or filter chains:
 * limbo handlers, commands and services. Each entry remembers its owner, so a conflict names
 * both plugins and `owned(owner)` can prove an unloaded plugin left nothing behind.
 */
import type { Command } from '../../sdk/commands.ts';
import type { LimboHandler } from '../../sdk/limbo.ts';
import { pluginOf } from './owner.ts';
export { pluginOf };

export class NamedRegistry<T> {
  /** Per name, a stack: during a hot reload the new version's entry shadows the old one's. */
  private readonly items = new Map<string, { owner: string; value: T }[]>();

  constructor(private readonly what: string) {}

  /** Another plugin's name is a conflict; the same plugin's (an older generation) is shadowed. */
  add(owner: string, names: readonly string[], value: T): () => void {
    for (const name of names) {
      const holder = this.items.get(name)?.at(-1);
      if (holder !== undefined && pluginOf(holder.owner) !== pluginOf(owner)) {
        throw new Error(`${this.what} "${name}" is already registered by plugin ${pluginOf(holder.owner)}`);
      }
    }
    const entry = { owner, value };
    for (const name of names) this.items.set(name, [...(this.items.get(name) ?? []), entry]);
    return () => {
      for (const name of names) {
        const rest = (this.items.get(name) ?? []).filter((e) => e !== entry);
        if (rest.length === 0) this.items.delete(name);
        else this.items.set(name, rest);
      }
    };
  }

  get(name: string): T | undefined {
    return this.items.get(name)?.at(-1)?.value;
  }

  names(): string[] {
    return [...this.items.keys()].sort();
  }

  /** Each distinct value once, with the owner of its newest registration. */
  entries(): { owner: string; value: T }[] {
    const seen = new Map<T, string>();
    for (const stack of this.items.values()) {
      const top = stack.at(-1);
      if (top !== undefined) seen.set(top.value, top.owner);
    }
    return [...seen].map(([value, owner]) => ({ owner, value }));
  }

  /** The owner of the entry `name` resolves to. */
  ownerOf(name: string): string | undefined {
    return this.items.get(name)?.at(-1)?.owner;
  }

  owned(owner: string): string[] {
    return [...this.items].filter(([, stack]) => stack.some((e) => e.owner === owner)).map(([k]) => k);
  }
}

export class Registries {
  readonly limbo = new NamedRegistry<LimboHandler>('limbo handler');
  readonly commands = new NamedRegistry<Command>('command');
  readonly services = new NamedRegistry<object>('service');
}

export function commandNames(command: Command): string[] {
  return [command.name, ...(command.aliases ?? [])].map((n) => n.toLowerCase());
}
