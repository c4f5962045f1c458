/**
 * Chat components on the wire. Plugins give `Text` (legacy `§` string or component); a packet
 * carries it as a JSON string before 1.20.3 and as anonymous network NBT from 1.20.3 (765) on:
 * a TAG_String root for plain text, a TAG_Compound otherwise, as vanilla writes them.
 *
 * Only the fields every version understands pass (text, color, bold, italic, underlined,
 * strikethrough, obfuscated, extra): 1.7–1.8 refuse an empty `extra`, clients before 1.16 have
 * no hex colours (the nearest named colour is sent), and a colour name no version knows is
 * dropped rather than risking a client that fails to decode the packet and disconnects.
 */
import { InfrarustError } from '../../errors.ts';
import type { PacketWriter } from '../packet-writer.ts';
import type { Text } from '../../../sdk/player.ts';
import { legacyToComponent, type TextComponent } from '../../../sdk/text.ts';
import { NbtWriter, TAG_COMPOUND, TAG_LIST, TAG_STRING } from './nbt-writer.ts';

/** 1.20.3: components are network NBT instead of JSON strings. */
export const NBT_COMPONENTS_SINCE = 765;
/** 1.16: `#rrggbb` colours. */
const HEX_COLORS_SINCE = 735;
/** 1.13 raised a packet string's limit from 32767 to 262144 characters. */
const LONG_STRINGS_SINCE = 393;

const STYLES = ['bold', 'italic', 'underlined', 'strikethrough', 'obfuscated'] as const;

/** The named colours and their RGB, for validation and for down-sampling hex colours. */
const NAMED: Record<string, number> = {
  black: 0x000000, dark_blue: 0x0000aa, dark_green: 0x00aa00, dark_aqua: 0x00aaaa,
  dark_red: 0xaa0000, dark_purple: 0xaa00aa, gold: 0xffaa00, gray: 0xaaaaaa,
  dark_gray: 0x555555, blue: 0x5555ff, green: 0x55ff55, aqua: 0x55ffff,
  red: 0xff5555, light_purple: 0xff55ff, yellow: 0xffff55, white: 0xffffff,
};
const HEX = /^#[0-9a-f]{6}$/i;

/** A plugin's Text as a component: legacy `§` codes become styled parts. */
export function toComponent(text: Text): TextComponent {
  return typeof text === 'string' ? legacyToComponent(text) : text;
}

function nearestNamed(hex: string): string {
  const rgb = parseInt(hex.slice(1), 16);
  let best = 'white';
  let bestDistance = Infinity;
  for (const [name, value] of Object.entries(NAMED)) {
    const dr = ((rgb >> 16) & 0xff) - ((value >> 16) & 0xff);
    const dg = ((rgb >> 8) & 0xff) - ((value >> 8) & 0xff);
    const db = (rgb & 0xff) - (value & 0xff);
    const d = dr * dr + dg * dg + db * db;
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

function colorFor(color: unknown, protocol: number): string | undefined {
  if (typeof color !== 'string') return undefined;
  const lower = color.toLowerCase();
  if (Object.hasOwn(NAMED, lower)) return lower;
  if (!HEX.test(color)) return undefined;
  return protocol >= HEX_COLORS_SINCE ? lower : nearestNamed(lower);
}

/**
 * The component with only the fields `protocol` understands, in a fixed order (text, color,
 * styles, extra); empty `extra` lists are left out.
 */
export function componentFor(component: TextComponent, protocol: number): TextComponent {
  const out: TextComponent = { text: typeof component.text === 'string' ? component.text : String(component.text ?? '') };
  const color = colorFor(component.color, protocol);
  if (color !== undefined) out.color = color;
  for (const style of STYLES) if (typeof component[style] === 'boolean') out[style] = component[style];
  if (Array.isArray(component.extra) && component.extra.length > 0) out.extra = component.extra.map((c) => componentFor(c, protocol));
  return out;
}

/** The JSON string a pre-1.20.3 packet (and every login disconnect) carries. */
export function componentJson(text: Text, protocol: number): string {
  return JSON.stringify(componentFor(toComponent(text), protocol));
}

function isPlain(c: TextComponent): boolean {
  return Object.keys(c).length === 1;
}

function writeCompoundBody(n: NbtWriter, c: TextComponent): void {
  n.namedString('text', c.text);
  if (c.color !== undefined) n.namedString('color', c.color);
  for (const style of STYLES) if (c[style] !== undefined) n.namedByte(style, c[style] ? 1 : 0);
  if (c.extra !== undefined) {
    n.named(TAG_LIST, 'extra').listHeader(TAG_COMPOUND, c.extra.length);
    for (const child of c.extra) writeCompoundBody(n, child);
  }
  n.end();
}

/** Writes a component as anonymous network NBT (1.20.3+). */
export function writeNbtComponent(w: PacketWriter, text: Text, protocol: number): void {
  const c = componentFor(toComponent(text), protocol);
  const n = new NbtWriter(w);
  if (isPlain(c)) n.anonymousRoot(TAG_STRING).string(c.text);
  else writeCompoundBody(n.anonymousRoot(TAG_COMPOUND), c);
}

/** Writes a component field for `protocol`: a JSON string before 1.20.3, network NBT from then on. */
export function writeComponent(w: PacketWriter, text: Text, protocol: number): void {
  if (protocol >= NBT_COMPONENTS_SINCE) return writeNbtComponent(w, text, protocol);
  const json = componentJson(text, protocol);
  const max = protocol >= LONG_STRINGS_SINCE ? 262144 : 32767;
  if (json.length > max) {
    throw new InfrarustError('IR_ERR_PROTO_STRING_TOO_LONG', `a chat component is ${json.length} characters as JSON: this client reads at most ${max}`);
  }
  w.string(json);
}
