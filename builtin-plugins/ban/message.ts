/** The kick text a banned player sees: the reason, then the remaining time or "permanent". */
import type { BanEntry } from './api.ts';
import { formatDuration } from './duration.ts';

export const DEFAULT_REASON = 'Banned by an operator.';

export function banMessage(entry: BanEntry, remainingMs: number | undefined): string {
  const reason = entry.reason ?? DEFAULT_REASON;
  const when = remainingMs === undefined ? '§7This ban is permanent.' : `§7Expires in §f${formatDuration(remainingMs)}§7.`;
  return `§cYou are banned from this server.\n§7Reason: §f${reason}\n${when}`;
}
