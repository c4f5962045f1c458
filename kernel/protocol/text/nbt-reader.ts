/**
 * Reads anonymous network NBT (1.20.2+: a root tag type and no name) into plain JS values, for
 * the chat components a backend sends as NBT from 1.20.3 (a kick's reason). Compounds become
 * objects, lists arrays, numbers numbers (longs as bigint), byte/int/long arrays arrays.
 * Bounded: at most MAX_DEPTH nesting levels and MAX_ELEMENTS list/array elements in all, so a
 * hostile payload costs at most its own size.
 */
import { InfrarustError } from '../../errors.ts';
import type { PacketReader } from '../packet-reader.ts';

const MAX_DEPTH = 32;
const MAX_ELEMENTS = 65_536;

/**
 * The value of the anonymous root tag at `r`'s position.
 * @example const reason = readNetworkNbt(new PacketReader(packet, idSize)) // 'Kicked' or { text: 'Kicked', color: 'red' }
 */
export function readNetworkNbt(r: PacketReader): unknown {
  const budget = { elements: 0 };
  return readPayload(r, r.u8(), 0, budget);
}

function fail(message: string): never {
  throw new InfrarustError('IR_ERR_PROTO_FIELD_INVALID', `NBT: ${message}`);
}

function modifiedUtf8String(r: PacketReader): string {
  // Java's modified UTF-8 equals UTF-8 except for NUL and supplementary characters, which
  // components practically never contain; decoding as UTF-8 keeps every ordinary text intact.
  return r.bytes(r.u16()).toString('utf8');
}

function count(r: PacketReader, budget: { elements: number }): number {
  const n = r.i32();
  if (n < 0) fail(`negative length ${n}`);
  budget.elements += n;
  if (budget.elements > MAX_ELEMENTS) fail(`more than ${MAX_ELEMENTS} elements`);
  return n;
}

function readPayload(r: PacketReader, type: number, depth: number, budget: { elements: number }): unknown {
  if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH}`);
  switch (type) {
    case 0:
      return undefined;
    case 1:
      return r.bytes(1).readInt8(0);
    case 2:
      return r.bytes(2).readInt16BE(0);
    case 3:
      return r.i32();
    case 4:
      return r.i64();
    case 5:
      return r.bytes(4).readFloatBE(0);
    case 6:
      return r.bytes(8).readDoubleBE(0);
    case 7:
      return [...r.bytes(count(r, budget))];
    case 8:
      return modifiedUtf8String(r);
    case 9: {
      const inner = r.u8();
      const n = count(r, budget);
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(readPayload(r, inner, depth + 1, budget));
      return out;
    }
    case 10: {
      const out: Record<string, unknown> = {};
      for (;;) {
        const inner = r.u8();
        if (inner === 0) return out;
        const name = modifiedUtf8String(r);
        out[name] = readPayload(r, inner, depth + 1, budget);
      }
    }
    case 11: {
      const n = count(r, budget);
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push(r.i32());
      return out;
    }
    case 12: {
      const n = count(r, budget);
      const out: bigint[] = [];
      for (let i = 0; i < n; i++) out.push(r.i64());
      return out;
    }
    default:
      return fail(`unknown tag type ${type}`);
  }
}
