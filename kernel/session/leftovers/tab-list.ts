/**
 * Tab list entries a backend added (and its header/footer). The client keeps its player list over
 * a Join Game (it lives with the connection, not the world), so a switch before 1.20.2 removes
 * every entry the old backend added, as Velocity clears its tab list on a switch. Three eras:
 *   1.7          `player_info` by name: online adds (or updates) the name, offline removes it;
 *   1.8–1.19.2   `player_info` with an action: 0 adds entries (1.19+: with a signing key), 4 removes;
 *   1.19.3+      `player_info` with action flags (bit 0 adds), `player_remove` removes.
 * The header/footer (1.8+) is reset to empty when the backend set one.
 */
import { packetId } from '../../protocol/ids/index.ts';
import type { PacketReader } from '../../protocol/packet-reader.ts';
import { PacketWriter } from '../../protocol/packet-writer.ts';
import { PV } from '../../protocol/packets/protocol-versions.ts';
import { bodyReader, skipBytes, skipOptionalString, type LeftoverTracker } from './tracker.ts';

/** A backend listing more entries than this is not tracked further (the rest may outlive a switch). */
export const MAX_TAB_ENTRIES = 4096;

const ACTION_ADD = 0;
const ACTION_REMOVE = 4;
/** 1.19.3+ action flags. */
const FLAG_ADD = 0x01;
const FLAG_CHAT = 0x02;
const FLAG_GAME_MODE = 0x04;
const FLAG_LISTED = 0x08;
const FLAG_LATENCY = 0x10;
const FLAG_DISPLAY_NAME = 0x20;
const FLAG_ALL = 0x3f;
const EMPTY_TEXT = '{"text":""}';

export class TabList implements LeftoverTracker {
  /** UUIDs (1.8+) or names (1.7) of the entries the backend added. */
  readonly #entries = new Set<string>();
  #header = false;
  readonly #info: number;
  readonly #remove: number;
  readonly #headerId: number;
  readonly ids: readonly number[];

  constructor(readonly protocol: number) {
    const id = (name: string): number => packetId(protocol, 'play', 'clientbound', name);
    this.#info = id('player_info');
    this.#remove = protocol >= PV.V1_19_3 ? id('player_remove') : -1;
    this.#headerId = id('playerlist_header');
    this.ids = [this.#info, this.#remove, this.#headerId].filter((i) => i >= 0);
  }

  see(id: number, packet: Buffer): void {
    if (id === this.#headerId) this.#header = true;
    else if (id === this.#remove) this.#forget(whole(bodyReader(packet), readUuids));
    else if (id === this.#info) this.#playerInfo(bodyReader(packet));
  }

  #playerInfo(r: PacketReader): void {
    if (this.protocol < PV.V1_8) {
      const name = r.string(16);
      const online = r.bool();
      whole(r, (rest) => rest.u16()); // ping
      if (online) this.#add([name]);
      else this.#entries.delete(name);
      return;
    }
    if (this.protocol >= PV.V1_19_3) {
      const flags = r.u8();
      if ((flags & ~FLAG_ALL) !== 0) throw new Error(`player_info with unknown action flags ${flags}`);
      if ((flags & FLAG_ADD) !== 0) this.#add(whole(r, (rest) => readUpdateEntries(rest, flags)));
      return;
    }
    const action = r.varInt();
    if (action === ACTION_ADD) this.#add(whole(r, (rest) => readAddEntries(rest, this.protocol >= PV.V1_19)));
    else if (action === ACTION_REMOVE) this.#forget(whole(r, readUuids));
  }

  #add(keys: readonly string[]): void {
    for (const key of keys) {
      if (this.#entries.size >= MAX_TAB_ENTRIES) return;
      this.#entries.add(key);
    }
  }

  #forget(keys: readonly string[]): void {
    for (const key of keys) this.#entries.delete(key);
  }

  /** The player list outlives the world: nothing to forget. */
  joinGame(): void {}

  clear(): Buffer[] {
    const out: Buffer[] = [];
    if (this.#entries.size > 0) out.push(...this.#removals());
    if (this.#header && this.#headerId >= 0) {
      out.push(new PacketWriter(32).varInt(this.#headerId).string(EMPTY_TEXT).string(EMPTY_TEXT).toBuffer());
    }
    this.#entries.clear();
    this.#header = false;
    return out;
  }

  #removals(): Buffer[] {
    const keys = [...this.#entries];
    if (this.protocol < PV.V1_8) {
      return keys.map((name) => new PacketWriter(24).varInt(this.#info).string(name).bool(false).u16(0).toBuffer());
    }
    const w = new PacketWriter(8 + keys.length * 16);
    if (this.protocol >= PV.V1_19_3) w.varInt(this.#remove);
    else w.varInt(this.#info).varInt(ACTION_REMOVE);
    w.varInt(keys.length);
    for (const uuid of keys) w.uuid(uuid);
    return [w.toBuffer()];
  }
}

/** Reads the rest of the packet with `read`; a packet longer than the layout is not understood (throws). */
function whole<T>(r: PacketReader, read: (r: PacketReader) => T): T {
  const value = read(r);
  if (r.remaining !== 0) throw new Error(`${r.remaining} bytes left after the tab list entries`);
  return value;
}

/** A VarInt count of UUIDs. */
function readUuids(r: PacketReader): string[] {
  const n = r.varInt();
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(r.uuid());
  return out;
}

/** A profile's properties: name, value, optional signature. */
function skipProperties(r: PacketReader): void {
  const n = r.varInt();
  for (let i = 0; i < n; i++) {
    skipBytes(r);
    skipBytes(r);
    skipOptionalString(r);
  }
}

/** 1.8–1.19.2 action 0: uuid, name, properties, game mode, ping, display name, [1.19+ signing key]. */
function readAddEntries(r: PacketReader, signingKey: boolean): string[] {
  const n = r.varInt();
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(r.uuid());
    skipBytes(r);
    skipProperties(r);
    r.varInt();
    r.varInt();
    skipOptionalString(r);
    if (signingKey && r.bool()) {
      r.i64();
      skipBytes(r);
      skipBytes(r);
    }
  }
  return out;
}

/** 1.19.3+ entries: uuid, then one field per action flag, in flag order. */
function readUpdateEntries(r: PacketReader, flags: number): string[] {
  const n = r.varInt();
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(r.uuid());
    if ((flags & FLAG_ADD) !== 0) {
      skipBytes(r);
      skipProperties(r);
    }
    if ((flags & FLAG_CHAT) !== 0 && r.bool()) {
      r.uuid();
      r.i64();
      skipBytes(r);
      skipBytes(r);
    }
    if ((flags & FLAG_GAME_MODE) !== 0) r.varInt();
    if ((flags & FLAG_LISTED) !== 0) r.u8();
    if ((flags & FLAG_LATENCY) !== 0) r.varInt();
    if ((flags & FLAG_DISPLAY_NAME) !== 0) skipOptionalString(r);
  }
  return out;
}
