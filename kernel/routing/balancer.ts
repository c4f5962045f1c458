/**
 * The order in which one connection tries a server's addresses. Healthy addresses only; when
 * none is healthy, every address (fail open: health reorders and skips, it never makes a server
 * unreachable that might answer; a single-address server behaves as before). The first address
 * is the strategy's pick, the rest follow as failover; the list is cut at `connect_max_attempts`.
 *
 * - `first_available`: configuration order.
 * - `round_robin`: smooth weighted round robin (nginx's): weights 3,1,1 give a a b a c a a b…,
 *   never bursts; the others follow in configuration order.
 * - `least_connections`: fewest live connections per unit of weight first; ties in configuration order.
 * - `random`: weighted random order (sampling without replacement), from an injectable rng.
 */
import type { BalanceStrategy } from '../config/schema-balance.ts';
import type { AddressHealth } from './address-health.ts';

export type Rng = () => number;

export function orderAddresses(strategy: BalanceStrategy, all: readonly AddressHealth[], maxAttempts: number, rng: Rng = Math.random): AddressHealth[] {
  const healthy = all.filter((a) => a.healthy);
  const candidates = healthy.length > 0 ? healthy : [...all];
  const ordered = order(strategy, candidates, rng);
  return ordered.length > maxAttempts ? ordered.slice(0, maxAttempts) : ordered;
}

function order(strategy: BalanceStrategy, candidates: AddressHealth[], rng: Rng): AddressHealth[] {
  if (candidates.length <= 1) return candidates;
  switch (strategy) {
    case 'first_available':
      return candidates;
    case 'round_robin':
      return pickFirst(candidates, smoothWeighted(candidates));
    case 'least_connections':
      // Array.prototype.sort is stable: equal loads keep configuration order.
      return [...candidates].sort((a, b) => a.live / a.weight - b.live / b.weight);
    case 'random':
      return weightedShuffle(candidates, rng);
  }
}

/** nginx's smooth weighted round robin: add each weight, pick the largest, subtract the total. */
function smoothWeighted(candidates: readonly AddressHealth[]): AddressHealth {
  let total = 0;
  let best = candidates[0]!;
  for (const a of candidates) {
    a.current += a.weight;
    total += a.weight;
    if (a.current > best.current) best = a;
  }
  best.current -= total;
  return best;
}

function pickFirst(candidates: readonly AddressHealth[], first: AddressHealth): AddressHealth[] {
  return [first, ...candidates.filter((a) => a !== first)];
}

function weightedShuffle(candidates: readonly AddressHealth[], rng: Rng): AddressHealth[] {
  const left = [...candidates];
  const out: AddressHealth[] = [];
  while (left.length > 0) {
    let total = 0;
    for (const a of left) total += a.weight;
    let r = rng() * total;
    let i = 0;
    while (i < left.length - 1 && (r -= left[i]!.weight) >= 0) i++;
    out.push(left.splice(i, 1)[0]!);
  }
  return out;
}
