/**
 * "Did you mean" hints for unknown config keys, so a typo like `servers_dri` points straight at
 * `servers_dir` instead of making the user read the docs.
 */

/**
 * Optimal-string-alignment distance: Levenshtein plus adjacent transpositions, so the common
 * "dri"/"dir" slip costs 1, not 2.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The closest candidate to `input`, or undefined when none is close enough (at most a third of
 * the longer word, minimum 1). Case and `-`/`_` differences count as exact matches.
 *
 * @example suggest('servers_dri', ['servers_dir', 'plugins_dir']) // 'servers_dir'
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const norm = (s: string) => s.toLowerCase().replaceAll('-', '_');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = norm(candidate) === norm(input) ? 0 : editDistance(input, candidate);
    const limit = Math.max(1, Math.floor(Math.max(input.length, candidate.length) / 3));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
