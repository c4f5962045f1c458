/**
 * A component built against another version of `infrarust:plugin` is refused before it is
 * transpiled: jco's glue (and the import list `transpile` returns) drops versions, so a `@0.2.0`
 * component would otherwise be linked to this host's 0.1.0 functions and misbehave at its first
 * call. The versions are read from the names in the component's own import and export sections.
 */
import { InfrarustError } from '../../errors.ts';
import { WIT_PACKAGE, WIT_VERSION } from './capabilities.ts';

const IMPORT_SECTION = 10;
const EXPORT_SECTION = 11;
const COMPONENT_LAYER = 0x01;

/** Throws IR_ERR_WASM_VERSION when the component imports or exports `infrarust:plugin/…@<other version>`. */
export function checkWitVersion(id: string, component: Uint8Array): void {
  let names: string[];
  try {
    names = componentExternNames(component);
  } catch {
    return; // not a component we can read: jco's transpile reports it (IR_ERR_WASM_INVALID)
  }
  for (const name of names) {
    const m = /^infrarust:plugin\/[a-z][a-z0-9-]*@(.+)$/.exec(name);
    if (m === null || m[1] === WIT_VERSION) continue;
    throw new InfrarustError('IR_ERR_WASM_VERSION', `plugin ${id}: the component was built against ${WIT_PACKAGE}@${m[1]} (it names ${name}); this proxy provides ${WIT_PACKAGE}@${WIT_VERSION}: rebuild it with this version's \`infrarust plugin build\``);
  }
}

/** Names of the outer component's imports and exports (nested components are skipped). */
export function componentExternNames(bytes: Uint8Array): string[] {
  const r = new Reader(bytes);
  if (r.u32le() !== 0x6d736100) throw new Error('not WebAssembly');
  r.pos = 6; // version (2 bytes) then layer (2 bytes)
  if (r.byte() !== COMPONENT_LAYER) throw new Error('not a component');
  r.pos = 8;
  const out: string[] = [];
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.leb();
    const end = r.pos + size;
    if (end > bytes.length) throw new Error('truncated section');
    if (id === IMPORT_SECTION || id === EXPORT_SECTION) {
      const count = r.leb();
      for (let i = 0; i < count; i++) {
        r.byte(); // 0x00 (or 0x01: a name with a version suffix, older encoding)
        out.push(r.string());
        if (id === IMPORT_SECTION) r.externDesc();
        else {
          r.sort();
          r.leb();
          if (r.byte() === 0x01) r.externDesc();
        }
      }
    }
    r.pos = end;
  }
  return out;
}

class Reader {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.b.length) throw new Error('truncated');
    return this.b[this.pos++]!;
  }
  u32le(): number {
    const v = (this.b[0]! | (this.b[1]! << 8) | (this.b[2]! << 16) | (this.b[3]! << 24)) >>> 0;
    this.pos = 4;
    return v;
  }
  leb(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new Error('LEB128 too long');
  }
  string(): string {
    const n = this.leb();
    const s = Buffer.from(this.b.buffer, this.b.byteOffset + this.pos, n).toString('utf8');
    this.pos += n;
    return s;
  }
  sort(): void {
    if (this.byte() === 0x00) this.byte(); // core sort
  }
  externDesc(): void {
    const kind = this.byte();
    if (kind === 0x00) (this.byte(), this.leb()); // core module: 0x11 typeidx
    else if (kind === 0x02 || kind === 0x03) (this.byte(), this.leb()); // value / type bound
    else if (kind === 0x01 || kind === 0x04 || kind === 0x05) this.leb();
    else throw new Error(`unknown externdesc ${kind}`);
  }
}
