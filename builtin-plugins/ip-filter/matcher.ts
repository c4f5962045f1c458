/**
 * The ip_filter decision, compiled once per section object. Semantics (newer v2, stricter than
 * the anchor): a non-empty whitelist admits only its ranges, and the blacklist always applies,
 * whitelist or not. An address that does not parse is refused whenever any rule exists.
 */
import { parseIp } from '../../sdk/ip.ts';
import type { IpFilterRules } from './options.ts';
import { RangeSet } from './range-set.ts';

export interface IpMatcher {
  /** No rules at all: everyone is admitted without parsing the address. */
  readonly open: boolean;
  admits(address: string): boolean;
}

/** What a rule set that failed to compile becomes: it refuses everyone (fail closed). */
export const DENY_ALL: IpMatcher = Object.freeze({ open: false, admits: () => false });

const OPEN: IpMatcher = Object.freeze({ open: true, admits: () => true });

/**
 * Compiles a resolved `[ip_filter]` section (the proxy validated it with IpFilterSchema); a range
 * that still does not parse throws, and the caller refuses everyone it covers.
 */
export function compileMatcher(section: Partial<IpFilterRules>): IpMatcher {
  const whitelist = section.whitelist ?? [];
  const blacklist = section.blacklist ?? [];
  if (whitelist.length === 0 && blacklist.length === 0) return OPEN;
  const allow = whitelist.length > 0 ? RangeSet.from(whitelist) : undefined;
  const deny = RangeSet.from(blacklist);
  return {
    open: false,
    admits(address) {
      const ip = parseIp(address);
      if (ip === undefined) return false;
      if (allow !== undefined && !allow.has(ip)) return false;
      return !deny.has(ip);
    },
  };
}

/**
 * Compiled matchers keyed by the (frozen) section object: a new object — a reloaded server
 * file — compiles once on first use, and the old one is collected with its config. A section
 * that fails to compile is reported once and refuses everyone.
 */
export function createMatcherCache(onError: (err: unknown) => void): (section: Partial<IpFilterRules>) => IpMatcher {
  const cache = new WeakMap<Partial<IpFilterRules>, IpMatcher>();
  // The same section comes back on almost every call (the global one, one server's): remember
  // the last answer and skip the WeakMap.
  let lastSection: Partial<IpFilterRules> | undefined;
  let lastMatcher: IpMatcher = DENY_ALL;
  return function matcherFor(section) {
    if (section === lastSection) return lastMatcher;
    let matcher = cache.get(section);
    if (matcher === undefined) {
      try {
        matcher = compileMatcher(section);
      } catch (err) {
        onError(err);
        matcher = DENY_ALL;
      }
      cache.set(section, matcher);
    }
    lastSection = section;
    lastMatcher = matcher;
    return matcher;
  };
}
