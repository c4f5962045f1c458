/**
 * A maximum on a core module's own memories, set in its bytes before it is compiled. Toolchains
 * declare guest memories without a maximum (a SpiderMonkey guest reached 4.45 GB); with one,
 * `memory.grow` past it fails inside the guest, whose allocator then reports out of memory — a
 * trap (QuickJS: an uncaught InternalError) the host catches and answers by re-instantiating.
 *
 * Only memories the module defines (section 5) are changed: an imported memory is limited where
 * it is defined, and adding a maximum to an import would refuse the link. A memory whose minimum
 * is already above the cap keeps its limits, and instantiation then fails with a clear message
 * (the caller checks `tooLarge`).
 */
const MEMORY_SECTION = 5;
export const WASM_PAGE = 65_536;

export interface MemoryLimitResult {
  bytes: Uint8Array;
  /** Defined memories whose maximum was set or lowered. */
  limited: number;
  /** Defined memories whose minimum already exceeds the cap. */
  tooLarge: number;
}

/** Returns `bytes` with every defined 32-bit memory's maximum at most `maxBytes`. */
export function withMemoryMaximum(bytes: Uint8Array, maxBytes: number): MemoryLimitResult {
  const maxPages = Math.max(1, Math.floor(maxBytes / WASM_PAGE));
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new Error('not a core WebAssembly module');
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos]!;
    const [size, afterSize] = readU32(bytes, pos + 1);
    const start = afterSize;
    const end = start + size;
    if (end > bytes.length) throw new Error('truncated section');
    if (id === MEMORY_SECTION) {
      const rewritten = rewriteMemories(bytes.subarray(start, end), maxPages);
      const out = concat([bytes.subarray(0, pos + 1), encodeU32(rewritten.content.length), rewritten.content, bytes.subarray(end)]);
      return { bytes: out, limited: rewritten.limited, tooLarge: rewritten.tooLarge };
    }
    pos = end;
  }
  return { bytes, limited: 0, tooLarge: 0 };
}

function rewriteMemories(section: Uint8Array, maxPages: number): { content: Uint8Array; limited: number; tooLarge: number } {
  const [count, first] = readU32(section, 0);
  const parts: Uint8Array[] = [encodeU32(count)];
  let pos = first;
  let limited = 0;
  let tooLarge = 0;
  for (let i = 0; i < count; i++) {
    const flags = section[pos]!;
    if (flags > 3) {
      // memory64 (flags 4–7): limits are u64; left as they are (no toolchain we load emits them).
      return { content: section, limited, tooLarge };
    }
    const hasMax = (flags & 1) === 1;
    const [min, afterMin] = readU32(section, pos + 1);
    let max: number | undefined;
    let after = afterMin;
    if (hasMax) [max, after] = readU32(section, afterMin);
    if (min > maxPages) {
      tooLarge++;
      parts.push(section.subarray(pos, after));
    } else {
      const next = max === undefined ? maxPages : Math.min(max, maxPages);
      if (next !== max) limited++;
      parts.push(Uint8Array.of(flags | 1), encodeU32(min), encodeU32(next));
    }
    pos = after;
  }
  return { content: concat(parts), limited, tooLarge };
}

function readU32(bytes: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    if (pos >= bytes.length) throw new Error('truncated LEB128');
    const b = bytes[pos++]!;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
    if (shift > 35) throw new Error('LEB128 too long');
  }
}

function encodeU32(n: number): Uint8Array {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return Uint8Array.from(out);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}
