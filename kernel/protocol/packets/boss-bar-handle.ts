/**
 * The sdk's BossBar over a way to send boss bar actions: one bar's state (what `update` merges
 * into), its packets (add, then only what changed), and `hide` once. Shared by intercepted
 * players (session/player-handle.ts) and limbo sessions (limbo/limbo-session.ts), which differ
 * only in how a packet reaches the client.
 */
import { randomUUID } from 'node:crypto';
import type { BossBar, BossBarOptions, PlayerResult } from '../../../sdk/player.ts';
import type { BossBarAction, BossBarState } from './play-boss-bar.ts';

type Failure = Extract<PlayerResult, { ok: false }>;
const OK: PlayerResult = Object.freeze({ ok: true });
const GONE: Failure = Object.freeze({ ok: false, code: 'closed', message: 'this boss bar was hidden' });

/**
 * Shows a bar: `send(id, action)` delivers one action; `onVisible` hears when it is shown or hidden.
 * @example showBossBarWith((id, a) => send(encodeBossBar(protocol, id, a)), { title: 'Loading' })
 */
export function showBossBarWith(
  send: (id: string, change: BossBarAction) => PlayerResult,
  options: BossBarOptions,
  onVisible?: (id: string, shown: boolean) => void,
): BossBar | Failure {
  const id = randomUUID();
  let state: BossBarState = { title: options.title, progress: options.progress ?? 1, color: options.color ?? 'purple', overlay: options.overlay ?? 'progress' };
  const shown = send(id, { action: 'add', state });
  if (!shown.ok) return shown;
  onVisible?.(id, true);
  let hidden = false;
  return {
    update(changes) {
      if (hidden) return GONE;
      const next = { ...state, ...changes };
      const changed: BossBarAction[] = [];
      if (changes.progress !== undefined) changed.push({ action: 'progress', progress: next.progress });
      if (changes.title !== undefined) changed.push({ action: 'title', title: next.title });
      if (changes.color !== undefined || changes.overlay !== undefined) changed.push({ action: 'style', color: next.color, overlay: next.overlay });
      for (const change of changed) {
        const r = send(id, change);
        if (!r.ok) return r;
      }
      state = next;
      return OK;
    },
    hide() {
      if (hidden) return GONE;
      hidden = true;
      onVisible?.(id, false);
      return send(id, { action: 'remove' });
    },
  };
}
