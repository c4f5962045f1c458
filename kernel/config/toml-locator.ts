/**
 * Finds the line a key path was written on in a TOML document, so validation errors can say
 * `infrarust.toml:12: rate_limit.window: ...`. smol-toml returns plain objects without
 * positions, so we scan the (already valid) source once: table headers, array-of-table
 * headers, dotted keys, inline tables and array elements each record where they start.
 */

/** A key path as zod reports it: table keys and array indexes. */
export type KeyPath = readonly PropertyKey[];

const keyOf = (path: KeyPath) => path.map(String).join('\u0000');
const BARE_KEY = /[A-Za-z0-9_-]/;

class Scanner {
  pos = 0;
  line = 1;
  private readonly arrayTables = new Map<string, number>();

  constructor(
    private readonly src: string,
    private readonly record: (path: KeyPath, line: number) => void,
  ) {}

  private ch(offset = 0): string | undefined {
    return this.src[this.pos + offset];
  }

  private advance(n = 1): void {
    for (let i = 0; i < n && this.pos < this.src.length; i++) {
      if (this.src[this.pos] === '\n') this.line++;
      this.pos++;
    }
  }

  private skipInline(): void {
    while (this.ch() === ' ' || this.ch() === '\t') this.advance();
  }

  /** Whitespace, newlines and comments: what may separate array elements. */
  private skipBlank(): void {
    for (;;) {
      const c = this.ch();
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.advance();
      else if (c === '#') while (this.ch() !== undefined && this.ch() !== '\n') this.advance();
      else return;
    }
  }

  private readQuoted(): string {
    const quote = this.ch()!;
    const multi = this.src.startsWith(quote.repeat(3), this.pos);
    const start = this.pos;
    this.advance(multi ? 3 : 1);
    while (this.pos < this.src.length) {
      if (quote === '"' && this.ch() === '\\') this.advance(2);
      else if (multi ? this.src.startsWith(quote.repeat(3), this.pos) : this.ch() === quote) break;
      else this.advance();
    }
    this.advance(multi ? 3 : 1);
    while (multi && this.ch() === quote) this.advance(); // up to two quotes may end the content
    const raw = this.src.slice(start, this.pos);
    if (quote === "'") return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  }

  private readKey(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipInline();
      if (this.ch() === '"' || this.ch() === "'") parts.push(this.readQuoted());
      else {
        const start = this.pos;
        while (this.ch() !== undefined && BARE_KEY.test(this.ch()!)) this.advance();
        parts.push(this.src.slice(start, this.pos));
      }
      this.skipInline();
      if (this.ch() !== '.') return parts;
      this.advance();
    }
  }

  private scanArray(path: KeyPath): void {
    this.advance(); // [
    for (let index = 0; ; index++) {
      this.skipBlank();
      if (this.ch() === ']' || this.ch() === undefined) break;
      const before = this.pos;
      this.record([...path, index], this.line);
      this.scanValue([...path, index]);
      this.skipBlank();
      if (this.ch() === ',') this.advance();
      else if (this.pos === before) this.advance();
    }
    this.advance(); // ]
  }

  private scanInlineTable(path: KeyPath): void {
    this.advance(); // {
    for (;;) {
      this.skipBlank();
      if (this.ch() === '}' || this.ch() === undefined) break;
      const before = this.pos;
      const keyPath = [...path, ...this.readKey()];
      this.record(keyPath, this.line);
      if (this.ch() === '=') this.advance();
      this.skipInline();
      this.scanValue(keyPath);
      this.skipBlank();
      if (this.ch() === ',') this.advance();
      else if (this.pos === before) this.advance();
    }
    this.advance(); // }
  }

  private scanValue(path: KeyPath): void {
    const c = this.ch();
    if (c === '[') this.scanArray(path);
    else if (c === '{') this.scanInlineTable(path);
    else if (c === '"' || c === "'") this.readQuoted();
    else while (this.ch() !== undefined && !',]}\n#\r'.includes(this.ch()!)) this.advance();
  }

  private scanHeader(): KeyPath {
    const isArray = this.ch(1) === '[';
    this.advance(isArray ? 2 : 1);
    const path = this.readKey();
    this.advance(isArray ? 2 : 1);
    if (!isArray) return path;
    const k = keyOf(path);
    const index = this.arrayTables.get(k) ?? 0;
    this.arrayTables.set(k, index + 1);
    return [...path, index];
  }

  scanDocument(): void {
    let table: KeyPath = [];
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.src.length) return;
      const before = this.pos;
      if (this.ch() === '[') {
        table = this.scanHeader();
        this.record(table, this.line);
      } else {
        const keyPath = [...table, ...this.readKey()];
        this.record(keyPath, this.line);
        if (this.ch() === '=') this.advance();
        this.skipInline();
        this.scanValue(keyPath);
      }
      if (this.pos === before) this.advance();
    }
  }
}

/**
 * Maps key paths to 1-based line numbers.
 *
 * @example new TomlLocator('[web]\nbind = "x"').lineOf(['web', 'bind']) // 2
 */
export class TomlLocator {
  private readonly lines = new Map<string, number>();

  constructor(source: string) {
    const record = (path: KeyPath, line: number) => {
      for (let i = 1; i <= path.length; i++) {
        const k = keyOf(path.slice(0, i));
        if (!this.lines.has(k)) this.lines.set(k, line);
      }
    };
    new Scanner(source, record).scanDocument();
  }

  /** The line of `path`, else of its closest written ancestor (e.g. the table header), else 1. */
  lineOf(path: KeyPath): number {
    for (let n = path.length; n > 0; n--) {
      const line = this.lines.get(keyOf(path.slice(0, n)));
      if (line !== undefined) return line;
    }
    return 1;
  }

  /** True when `path` itself was written in the source. */
  has(path: KeyPath): boolean {
    return this.lines.has(keyOf(path));
  }
}
