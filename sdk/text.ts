/**
 * Text components: Minecraft's legacy `§`/`&` formatting codes and JSON chat.
 * Pure functions, no I/O: safe in plugins, the kernel and WASM adapters alike.
 */

/** A JSON chat component (the subset the proxy produces). */
export interface TextComponent {
  text: string;
  color?: string;
  bold?: boolean;
  italic?: boolean;
  underlined?: boolean;
  strikethrough?: boolean;
  obfuscated?: boolean;
  extra?: TextComponent[];
}

const COLORS: Record<string, string> = {
  '0': 'black', '1': 'dark_blue', '2': 'dark_green', '3': 'dark_aqua',
  '4': 'dark_red', '5': 'dark_purple', '6': 'gold', '7': 'gray',
  '8': 'dark_gray', '9': 'blue', a: 'green', b: 'aqua',
  c: 'red', d: 'light_purple', e: 'yellow', f: 'white',
};
const STYLES: Record<string, keyof TextComponent> = {
  k: 'obfuscated', l: 'bold', m: 'strikethrough', n: 'underlined', o: 'italic',
};
const CODE_FOR_COLOR = Object.fromEntries(Object.entries(COLORS).map(([c, n]) => [n, c]));

type Style = Omit<TextComponent, 'text' | 'extra'>;

/**
 * Converts a string with legacy `§` codes (and `&` codes when `ampersand` is true) into a JSON
 * chat component. A colour code resets styles, `§r` resets everything, as in vanilla.
 * @example legacyToComponent('§aHello §lworld') // { text: '', extra: [{text:'Hello ',color:'green'}, …] }
 */
export function legacyToComponent(input: string, options: { ampersand?: boolean } = {}): TextComponent {
  const parts: TextComponent[] = [];
  let style: Style = {};
  let buf = '';
  const flush = (): void => {
    if (buf.length > 0) parts.push({ text: buf, ...style });
    buf = '';
  };
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    const isCode = ch === '§' || (options.ampersand === true && ch === '&');
    const code = input[i + 1]?.toLowerCase();
    if (!isCode || code === undefined || !(code in COLORS || code in STYLES || code === 'r')) {
      buf += ch;
      continue;
    }
    flush();
    i++;
    if (code in COLORS) style = { color: COLORS[code] };
    else if (code === 'r') style = {};
    else style = { ...style, [STYLES[code]]: true };
  }
  flush();
  if (parts.length === 1) return parts[0];
  return { text: '', extra: parts };
}

/** Legacy text to the JSON string a packet carries. @example legacyToJson('§cNo') // '{"text":"No","color":"red"}' */
export function legacyToJson(input: string, options: { ampersand?: boolean } = {}): string {
  return JSON.stringify(legacyToComponent(input, options));
}

/**
 * Flattens a JSON chat component (object, string or array form) back to legacy `§` text, for
 * pre-netty clients and logs. Unknown fields are ignored.
 * @example componentToLegacy({ text: 'Hi', color: 'red' }) // '§cHi'
 */
export function componentToLegacy(component: unknown): string {
  if (typeof component === 'string') return component;
  if (Array.isArray(component)) return component.map(componentToLegacy).join('');
  if (component === null || typeof component !== 'object') return '';
  const c = component as Record<string, unknown>;
  let out = '';
  if (typeof c.color === 'string' && CODE_FOR_COLOR[c.color] !== undefined) out += `§${CODE_FOR_COLOR[c.color]}`;
  for (const [code, key] of Object.entries(STYLES)) if (c[key] === true) out += `§${code}`;
  if (typeof c.text === 'string') out += c.text;
  else if (typeof c.translate === 'string') out += c.translate;
  if (Array.isArray(c.extra)) out += c.extra.map(componentToLegacy).join('');
  return out;
}

/**
 * An operator's message template as legacy text: `&` formatting codes become `§` codes, then
 * `{name}` placeholders are filled from `vars` (unknown ones are kept as written). Values are
 * inserted after the codes are translated, so a value (a player's name) cannot add formatting.
 * @example renderMessage('&aWelcome, {player}! &7({left} left)', { player: 'Steve', left: 3 }) // '§aWelcome, Steve! §7(3 left)'
 */
export function renderMessage(template: string, vars: Readonly<Record<string, string | number>> = {}): string {
  return template
    .replace(/&([0-9a-fk-or])/gi, '§$1')
    .replace(/\{([a-z_]+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

/** Removes every `§x` code. @example stripLegacy('§aHi') // 'Hi' */
export function stripLegacy(input: string): string {
  return input.replace(/§[0-9a-fk-or]/gi, '');
}
