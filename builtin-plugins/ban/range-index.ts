/**
 * IP-range bans indexed by family and prefix length. A lookup truncates the address once per
 * distinct prefix length in use (a handful) and does one map lookup for each, instead of testing
 * every range: the cost no longer grows with the number of range bans.
 */
import { truncate, type Cidr, type Ip } from './ip.ts';

interface Group<T> {
  v: 4 | 6;
  prefix: number;
  byNetwork: Map<bigint, T[]>;
}

export class RangeIndex<T> {
  private groups: Group<T>[] = [];

  add(range: Cidr, value: T): void {
    let group = this.groups.find((g) => g.v === range.v && g.prefix === range.prefix);
    if (group === undefined) {
      group = { v: range.v, prefix: range.prefix, byNetwork: new Map() };
      // Most specific first, so the first hit is the narrowest matching range.
      this.groups = [...this.groups, group].sort((a, b) => b.prefix - a.prefix);
    }
    group.byNetwork.set(range.network, [...(group.byNetwork.get(range.network) ?? []), value]);
  }

  remove(range: Cidr, value: T): void {
    const group = this.groups.find((g) => g.v === range.v && g.prefix === range.prefix);
    const list = group?.byNetwork.get(range.network)?.filter((v) => v !== value);
    if (group === undefined || list === undefined) return;
    if (list.length > 0) group.byNetwork.set(range.network, list);
    else group.byNetwork.delete(range.network);
    if (group.byNetwork.size === 0) this.groups = this.groups.filter((g) => g !== group);
  }

  /** The values of every range containing `ip`, narrowest ranges first. */
  *matches(ip: Ip): Generator<T> {
    for (const group of this.groups) {
      if (group.v !== ip.v) continue;
      const hits = group.byNetwork.get(truncate(ip.value, ip.v, group.prefix));
      if (hits !== undefined) yield* hits;
    }
  }
}
