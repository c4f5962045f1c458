/**
 * Ban targets: validation, canonical form and lookup keys. Usernames keep their case in the file
 * (as v2 does) and match case-insensitively; UUIDs are stored dashed and lowercase; addresses and
 * ranges in canonical form (v4-mapped v6 folded to v4).
 */
import type { BanTarget } from './api.ts';
import { formatCidr, formatIp, parseCidr, parseIp } from './ip.ts';

export class TargetError extends Error {}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** `069A79F4-44E9-4726-A5BE-FCA90E38AAF5` or undashed → `069a79f4-44e9-4726-a5be-fca90e38aaf5`; undefined if not a UUID. */
export function normaliseUuid(text: string): string | undefined {
  const t = text.trim();
  if (!UUID.test(t)) return undefined;
  const hex = t.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The canonical form of a target; throws TargetError with a message for the user when invalid. */
export function normaliseTarget(target: BanTarget): BanTarget {
  const value = String(target.value ?? '').trim();
  switch (target.type) {
    case 'ip': {
      const ip = parseIp(value);
      if (ip === undefined) throw new TargetError(`"${value}" is not an IP address`);
      return { type: 'ip', value: formatIp(ip) };
    }
    case 'ip_range': {
      const range = parseCidr(value);
      if (range === undefined) throw new TargetError(`"${value}" is not a CIDR range (e.g. 203.0.113.0/24)`);
      return { type: 'ip_range', value: formatCidr(range) };
    }
    case 'uuid': {
      const uuid = normaliseUuid(value);
      if (uuid === undefined) throw new TargetError(`"${value}" is not a UUID`);
      return { type: 'uuid', value: uuid };
    }
    case 'username':
      if (value === '' || value.length > 64) throw new TargetError(`"${value}" is not a username`);
      return { type: 'username', value };
    default:
      throw new TargetError(`unknown target type "${String((target as { type: unknown }).type)}"`);
  }
}

/** The map key of a canonical target: usernames compare case-insensitively. */
export function targetKey(target: BanTarget): string {
  return `${target.type}:${target.type === 'username' ? target.value.toLowerCase() : target.value}`;
}

/** `ban <player>`: a UUID (dashed or not) or a username. */
export function playerTarget(text: string): BanTarget {
  return normaliseTarget(normaliseUuid(text) !== undefined ? { type: 'uuid', value: text } : { type: 'username', value: text });
}

/** `ban-ip <ip|cidr>`. A `/32` or `/128` range is the address itself. */
export function addressTarget(text: string): BanTarget {
  if (!text.includes('/')) return normaliseTarget({ type: 'ip', value: text });
  const range = normaliseTarget({ type: 'ip_range', value: text });
  const [addr, prefix] = range.value.split('/');
  return Number(prefix) === (addr.includes(':') ? 128 : 32) ? { type: 'ip', value: addr } : range;
}

/** Any target from text, for `baninfo`: address, range, UUID or username. */
export function anyTarget(text: string): BanTarget {
  if (text.includes('/') || parseIp(text) !== undefined) return addressTarget(text);
  return playerTarget(text);
}

/** `IP 1.2.3.4`, `range 10.0.0.0/8`, `username Griefer`, `UUID …`. */
export function describeTarget(target: BanTarget): string {
  const label = { ip: 'IP', ip_range: 'range', username: 'username', uuid: 'UUID' }[target.type];
  return `${label} ${target.value}`;
}
