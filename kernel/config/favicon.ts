/**
 * MOTD favicons. v2 accepts a file path, a `data:` URI or raw base64; the status response needs
 * a `data:image/png;base64,` URI. Reading files at load time (not per ping) keeps the status
 * path free of I/O, and turns a missing file into a config error with its line instead of a
 * silently blank icon.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const DATA_PREFIX = 'data:image/png;base64,';
/** Base64 of the PNG signature: every raw-base64 PNG starts with it. */
const RAW_PNG_BASE64 = /^iVBORw0KGgo[A-Za-z0-9+/=\s]*$/;

/**
 * Resolves a favicon value to a data URI. Relative paths are taken from `baseDir` (the folder of
 * the config file that names them). Throws an Error whose message can be shown as is.
 */
export function resolveFavicon(value: string, baseDir: string): string {
  const text = value.trim();
  if (text.startsWith('data:')) return text;
  if (RAW_PNG_BASE64.test(text)) return DATA_PREFIX + text.replace(/\s+/g, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new Error(`favicon URLs are not fetched ("${text}"); save the image and give its file path`);
  }
  const file = resolve(baseDir, text);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(`cannot read favicon file ${file} (${code})`);
  }
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new Error(`favicon file ${file} is not a PNG image (Minecraft shows 64x64 PNGs)`);
  }
  return DATA_PREFIX + bytes.toString('base64');
}

/** Width and height of a PNG favicon data URI, or undefined when it is not a PNG. */
export function faviconSize(dataUri: string): { width: number; height: number } | undefined {
  if (!dataUri.startsWith(DATA_PREFIX)) return undefined;
  const head = Buffer.from(dataUri.slice(DATA_PREFIX.length, DATA_PREFIX.length + 44), 'base64');
  if (head.length < 24 || !head.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}
