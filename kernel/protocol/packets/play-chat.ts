/**
 * Clientbound chat lines and the action bar, the packet each era uses:
 * - chat message: `chat` up to 1.18.2 (JSON; a position byte from 1.8: 0 chat, 1 system,
 *   2 action bar; a sender UUID from 1.16), `system_chat` from 1.19 (a VarInt chat type in 1.19:
 *   1 system, 2 game info; an overlay boolean from 1.19.1).
 * - action bar: none in 1.7; `chat` position 2 in 1.8–1.10, where the client shows only the
 *   unformatted text (so the styles travel as `§` codes inside it, as Velocity does); the `title`
 *   packet's actionbar action in 1.11–1.16.5; `action_bar` from 1.17.
 * Each encoder answers `id + body`, or undefined when the protocol has no such packet.
 */
import { componentToLegacy } from '../../../sdk/text.ts';
import type { Text } from '../../../sdk/player.ts';
import { kernelIds } from '../ids/index.ts';
import { PacketWriter } from '../packet-writer.ts';
import { componentFor, toComponent, writeComponent } from '../text/component.ts';
import { PV } from './protocol-versions.ts';

/** The `title` packet's actionbar action (1.11–1.16.5). */
export const TITLE_ACTION_ACTIONBAR = 2;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const POSITION_SYSTEM = 1;
const POSITION_ACTION_BAR = 2;

/** Pre-1.19 `chat` at `position` (ignored before 1.8, which has no position). */
function legacyChat(protocol: number, id: number, json: (w: PacketWriter) => void, position: number): Buffer | undefined {
  if (id < 0) return undefined;
  const w = new PacketWriter().varInt(id);
  json(w);
  if (protocol >= PV.V1_8) w.u8(position);
  if (protocol >= PV.V1_16) w.uuid(NIL_UUID);
  return w.toBuffer();
}

function systemChat(protocol: number, id: number, text: Text, overlay: boolean): Buffer | undefined {
  if (id < 0) return undefined;
  const w = new PacketWriter().varInt(id);
  writeComponent(w, text, protocol);
  if (protocol >= PV.V1_19_1) w.bool(overlay);
  else w.varInt(overlay ? POSITION_ACTION_BAR : POSITION_SYSTEM);
  return w.toBuffer();
}

/**
 * A system chat line (shown in the chat box, not subject to the client's chat-hiding of player
 * messages). @example channel.sendToClient(encodeChatMessage(765, '§aWelcome')!)
 */
export function encodeChatMessage(protocol: number, text: Text): Buffer | undefined {
  const ids = kernelIds(protocol).play.cb;
  if (protocol >= PV.V1_19) return systemChat(protocol, ids.systemChat, text, false);
  return legacyChat(protocol, ids.chat, (w) => writeComponent(w, text, protocol), POSITION_SYSTEM);
}

/** Text above the hotbar; undefined for 1.7, which has no action bar. */
export function encodeActionBar(protocol: number, text: Text): Buffer | undefined {
  const ids = kernelIds(protocol).play.cb;
  if (protocol < PV.V1_8) return undefined;
  if (protocol < PV.V1_11) {
    const legacy = componentToLegacy(componentFor(toComponent(text), protocol));
    return legacyChat(protocol, ids.chat, (w) => w.string(JSON.stringify({ text: legacy })), POSITION_ACTION_BAR);
  }
  if (protocol < PV.V1_17) {
    if (ids.title < 0) return undefined;
    const w = new PacketWriter().varInt(ids.title).varInt(TITLE_ACTION_ACTIONBAR);
    writeComponent(w, text, protocol);
    return w.toBuffer();
  }
  if (ids.actionBar < 0) return undefined;
  const w = new PacketWriter().varInt(ids.actionBar);
  writeComponent(w, text, protocol);
  return w.toBuffer();
}
