/**
 * Adds literal commands to a clientbound `declare_commands` packet (1.13+) without parsing the
 * whole graph: the node list is VarInt count + nodes, then the root's index. Vanilla, Paper and
 * the proxies write the root as node 0 and the index as a minimal VarInt, so the packet ends in
 * 0x00 exactly when the root is node 0. Node 0 (flags, children, no name) is the only node read;
 * the others are copied byte for byte and keep their indexes, the new nodes go after them and
 * join node 0's children.
 *
 * Each command becomes two nodes: an executable literal and an executable `brigadier:string`
 * greedy-phrase argument under it, so the client completes the name and accepts any arguments.
 */
import { PacketReader } from '../packet-reader.ts';
import { PacketWriter } from '../packet-writer.ts';

const TYPE_MASK = 0x03;
const TYPE_ROOT = 0;
const TYPE_LITERAL = 1;
const TYPE_ARGUMENT = 2;
const EXECUTABLE = 0x04;
const HAS_REDIRECT = 0x08;
/** brigadier:string's property: 0 single word, 1 quotable phrase, 2 greedy phrase. */
const GREEDY_PHRASE = 2;

/**
 * The packet with a literal per name added under the root, or undefined when the root is not
 * node 0 (or node 0 is not a root node): pass the packet unchanged then. `parser` is
 * `brigadierStringParser(protocol)`: a registry id from 1.19, the identifier before.
 */
export function injectCommandNodes(packet: Buffer, names: readonly string[], parser: number | string): Buffer | undefined {
  if (names.length === 0 || packet.at(-1) !== 0x00) return undefined;
  const r = new PacketReader(packet);
  const id = r.varInt();
  const count = r.varInt();
  if (count < 1) return undefined;
  const flags = r.u8();
  if ((flags & TYPE_MASK) !== TYPE_ROOT) return undefined;
  const children = Array.from({ length: r.varInt() }, () => r.varInt());
  const redirect = (flags & HAS_REDIRECT) !== 0 ? r.varInt() : undefined;
  const others = r.bytes(r.remaining - 1); // nodes 1…count-1, then the root index (0x00)
  const w = new PacketWriter(packet.length + names.length * 48).varInt(id).varInt(count + names.length * 2);
  w.u8(flags).varInt(children.length + names.length);
  for (const child of children) w.varInt(child);
  for (let i = 0; i < names.length; i++) w.varInt(count + i * 2);
  if (redirect !== undefined) w.varInt(redirect);
  w.bytes(others);
  for (let i = 0; i < names.length; i++) {
    w.u8(TYPE_LITERAL | EXECUTABLE).varInt(1).varInt(count + i * 2 + 1).string(names[i]);
    w.u8(TYPE_ARGUMENT | EXECUTABLE).varInt(0).string('args');
    if (typeof parser === 'number') w.varInt(parser);
    else w.string(parser);
    w.varInt(GREEDY_PHRASE);
  }
  return w.varInt(0).toBuffer();
}
