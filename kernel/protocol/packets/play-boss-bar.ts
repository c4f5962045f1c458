/**
 * The `boss_bar` packet (1.9+): one UUID per bar, then an action: 0 add (title, health, colour,
 * division, flags), 1 remove, 2 health, 3 title, 4 style (colour, division), 5 flags. Same layout
 * in every version since 1.9; the title is a component (JSON, NBT from 1.20.3).
 */
import type { BossBarColor, BossBarOverlay, Text } from '../../../sdk/player.ts';
import { kernelIds } from '../ids/index.ts';
import { PacketWriter } from '../packet-writer.ts';
import { writeComponent } from '../text/component.ts';

/** 1.9: the first version with boss bars the server controls. */
export const BOSS_BAR_SINCE = 107;

const COLORS: Record<BossBarColor, number> = { pink: 0, blue: 1, red: 2, green: 3, yellow: 4, purple: 5, white: 6 };
const OVERLAYS: Record<BossBarOverlay, number> = { progress: 0, notched_6: 1, notched_10: 2, notched_12: 3, notched_20: 4 };

export interface BossBarState {
  readonly title: Text;
  /** 0 … 1 (clamped). */
  readonly progress: number;
  readonly color: BossBarColor;
  readonly overlay: BossBarOverlay;
}

/** A boss bar change, as one `boss_bar` action. */
export type BossBarAction =
  | { readonly action: 'add'; readonly state: BossBarState }
  | { readonly action: 'remove' }
  | { readonly action: 'progress'; readonly progress: number }
  | { readonly action: 'title'; readonly title: Text }
  | { readonly action: 'style'; readonly color: BossBarColor; readonly overlay: BossBarOverlay };

const ACTION_IDS = { add: 0, remove: 1, progress: 2, title: 3, style: 4 } as const;

function f32(w: PacketWriter, value: number): void {
  const b = Buffer.allocUnsafe(4);
  b.writeFloatBE(Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0);
  w.bytes(b);
}

function style(w: PacketWriter, color: BossBarColor, overlay: BossBarOverlay): void {
  w.varInt(COLORS[color] ?? COLORS.pink).varInt(OVERLAYS[overlay] ?? OVERLAYS.progress);
}

/**
 * One `boss_bar` packet for bar `uuid`; undefined before 1.9.
 * @example encodeBossBar(769, id, { action: 'progress', progress: 0.5 })
 */
export function encodeBossBar(protocol: number, uuid: string, change: BossBarAction): Buffer | undefined {
  const id = kernelIds(protocol).play.cb.bossBar;
  if (protocol < BOSS_BAR_SINCE || id < 0) return undefined;
  const w = new PacketWriter().varInt(id).uuid(uuid).varInt(ACTION_IDS[change.action]);
  switch (change.action) {
    case 'add':
      writeComponent(w, change.state.title, protocol);
      f32(w, change.state.progress);
      style(w, change.state.color, change.state.overlay);
      w.u8(0); // flags: no darkened sky, no music, no fog
      break;
    case 'progress':
      f32(w, change.progress);
      break;
    case 'title':
      writeComponent(w, change.title, protocol);
      break;
    case 'style':
      style(w, change.color, change.overlay);
      break;
    case 'remove':
      break;
  }
  return w.toBuffer();
}
