/**
 * What a guest registered through its host imports (undone together when it stops or restarts),
 * and the text-component parsing its imports share. Its own module so the capability files
 * (cap-*.ts) and host-imports.ts import it without a cycle.
 */
import type { Text } from '../../../sdk/player.ts';

export interface Registrations {
  listeners: Map<number, () => void>;
  commands: Map<string, () => void>;
  tasks: Map<number, () => void>;
  /** Opt-in registrations (codec filters, limbo handlers) by host-assigned handle. */
  caps: Map<number, { kind: string; undo: () => void }>;
  nextId: number;
}

/** A text-component string: JSON when it starts with `{`, else legacy `§` text. */
export function toText(s: string): Text {
  if (s.startsWith('{')) {
    try {
      return JSON.parse(s) as Text;
    } catch {
      return s;
    }
  }
  return s;
}
