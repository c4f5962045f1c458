/**
 * A set of CIDR ranges compiled into sorted, merged intervals per family, so a lookup is a
 * binary search: O(log n) whatever the list length (a 10 000-entry blocklist costs ~14 steps).
 * IPv6 ranges inside `::ffff:0:0/96` (IPv4-mapped) are stored as IPv4 ranges, because the
 * parser turns mapped client addresses into IPv4 ones.
 */
import { parseIp } from '../../sdk/ip.ts';
import type { Cidr } from './options.ts';

const ALL_128 = (1n << 128n) - 1n;

interface Intervals<T> {
  starts: T[];
  ends: T[];
}

export class RangeSet {
  private constructor(
    private readonly v4: Intervals<number>,
    private readonly v6: Intervals<bigint>,
  ) {}

  /** Compiles ranges; throws a RangeError on an address or prefix that makes no sense. */
  static from(cidrs: readonly Cidr[]): RangeSet {
    const v4: [number, number][] = [];
    const v6: [bigint, bigint][] = [];
    for (const cidr of cidrs) {
      const ip = parseIp(cidr.address);
      if (ip === undefined) throw new RangeError(`ip_filter: "${cidr.address}" is not an IP address`);
      const mapped = ip.family === 4 && cidr.family === 'ipv6';
      const prefix = mapped ? cidr.prefix - 96 : cidr.prefix;
      if (ip.family === 4) {
        if (prefix < 0 || prefix > 32) throw new RangeError(`ip_filter: bad prefix /${cidr.prefix} for ${cidr.address}`);
        v4.push(v4Range(ip.value, prefix));
      } else {
        if (prefix > 128) throw new RangeError(`ip_filter: bad prefix /${cidr.prefix} for ${cidr.address}`);
        v6.push(v6Range(ip.value, prefix));
      }
    }
    return new RangeSet(merge(v4), merge(v6));
  }

  get size(): number {
    return this.v4.starts.length + this.v6.starts.length;
  }

  has(ip: { family: 4; value: number } | { family: 6; value: bigint }): boolean {
    return ip.family === 4 ? contains(this.v4, ip.value) : contains(this.v6, ip.value);
  }
}

function v4Range(ip: number, prefix: number): [number, number] {
  const mask = prefix === 0 ? 0 : (0xffff_ffff << (32 - prefix)) >>> 0;
  const start = (ip & mask) >>> 0;
  return [start, (start | (~mask >>> 0)) >>> 0];
}

function v6Range(ip: bigint, prefix: number): [bigint, bigint] {
  const host = (1n << BigInt(128 - prefix)) - 1n;
  const start = ip & (ALL_128 ^ host);
  return [start, start | host];
}

/** Sorts by start and merges overlapping or touching ranges. */
function merge<T extends number | bigint>(ranges: [T, T][]): Intervals<T> {
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const starts: T[] = [];
  const ends: T[] = [];
  for (const [start, end] of ranges) {
    const last = ends.length - 1;
    // `end + 1` would mix number and bigint arithmetic; `start - 1 <= end` is the same test.
    if (last >= 0 && (typeof start === 'bigint' ? start - 1n : (start as number) - 1) <= ends[last]) {
      if (end > ends[last]) ends[last] = end;
    } else {
      starts.push(start);
      ends.push(end);
    }
  }
  return { starts, ends };
}

/** Binary search for the last interval starting at or before `value`. */
function contains<T extends number | bigint>(set: Intervals<T>, value: T): boolean {
  let lo = 0;
  let hi = set.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (set.starts[mid] <= value) lo = mid + 1;
    else hi = mid - 1;
  }
  return hi >= 0 && value <= set.ends[hi];
}
