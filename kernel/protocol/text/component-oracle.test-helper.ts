/**
 * Reads a component field as minecraft-protocol decoded it (a JSON string before 1.20.3,
 * prismarine-nbt's typed tree after) back into a plain component, so tests compare values.
 */
import type { TextComponent } from '../../../sdk/text.ts';

interface Tag {
  type: string;
  value: unknown;
}

function fromTag(tag: Tag): unknown {
  switch (tag.type) {
    case 'compound':
      return Object.fromEntries(Object.entries(tag.value as Record<string, Tag>).map(([k, v]) => [k, v.type === 'byte' ? v.value === 1 : fromTag(v)]));
    case 'list':
      return ((tag.value as { type: string; value: unknown[] }).value).map((v) => fromTag({ type: (tag.value as { type: string }).type, value: v }));
    default:
      return tag.value;
  }
}

/** The component a decoded field holds: `{ text }` for a plain string root. */
export function decodedComponent(field: unknown): TextComponent {
  if (typeof field === 'string') {
    const parsed = JSON.parse(field) as unknown;
    return typeof parsed === 'string' ? { text: parsed } : (parsed as TextComponent);
  }
  const tag = field as Tag;
  return tag.type === 'string' ? { text: tag.value as string } : (fromTag(tag) as TextComponent);
}
