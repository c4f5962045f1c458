/** Splits a console line into words; "double" or 'single' quotes keep spaces inside one word. */
export function parseLine(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

/** Completes the word under the cursor from `candidates` (case-insensitive prefix). */
export function completeWord(line: string, candidates: readonly string[]): [string[], string] {
  const word = /(\S*)$/.exec(line)?.[1] ?? '';
  const lower = word.toLowerCase();
  return [candidates.filter((c) => c.toLowerCase().startsWith(lower)).sort(), word];
}
