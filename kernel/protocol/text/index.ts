/** Chat components on the wire: JSON strings before 1.20.3, anonymous network NBT from then on. */
export { toComponent, componentFor, componentJson, writeComponent, writeNbtComponent, NBT_COMPONENTS_SINCE } from './component.ts';
export { NbtWriter, modifiedUtf8, TAG_END, TAG_BYTE, TAG_STRING, TAG_LIST, TAG_COMPOUND } from './nbt-writer.ts';
