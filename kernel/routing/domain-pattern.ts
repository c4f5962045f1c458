/**
 * Domain patterns: exact names and wildcards with `*` (any run of characters, dots included)
 * and `?` (one character). Patterns compile once per routing-table build; lookups only test.
 * Each `*` is a capture group: `$1`..`$9` in a server's addresses (routing/captures.ts).
 */
export interface DomainPattern {
  readonly source: string;
  readonly wildcard: boolean;
  /** Higher is more specific: literal characters count most, then `?` over `*`. */
  readonly specificity: readonly [literals: number, stars: number, questions: number];
  readonly regex?: RegExp;
}

/** Lower-cases a domain and removes one trailing dot, as DNS treats `a.b.` and `a.b` alike. */
export function normalizeDomain(domain: string): string {
  const lower = domain.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

export function compileDomainPattern(raw: string): DomainPattern {
  const source = normalizeDomain(raw);
  const stars = countChar(source, '*');
  const questions = countChar(source, '?');
  const literals = source.length - stars - questions;
  if (stars === 0 && questions === 0) {
    return { source, wildcard: false, specificity: [literals, 0, 0] };
  }
  const body = [...source]
    .map((ch) => (ch === '*' ? '(.*)' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return { source, wildcard: true, specificity: [literals, stars, questions], regex: new RegExp(`^${body}$`) };
}

/**
 * Orders wildcard patterns most specific first: more literal characters, then fewer `*`,
 * then fewer `?`, then the pattern text so the order never depends on file load order.
 */
export function compareSpecificity(a: DomainPattern, b: DomainPattern): number {
  const [la, sa, qa] = a.specificity;
  const [lb, sb, qb] = b.specificity;
  if (la !== lb) return lb - la;
  if (sa !== sb) return sa - sb;
  if (qa !== qb) return qa - qb;
  return a.source < b.source ? -1 : a.source > b.source ? 1 : 0;
}

function countChar(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}
