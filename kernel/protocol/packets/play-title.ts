/**
 * Titles: the `title` packet with an action enum from 1.8 to 1.16.5, whose values moved when 1.11
 * inserted actionbar at 2 (1.8–1.10: title 0, subtitle 1, times 2, clear 3, reset 4;
 * 1.11–1.16.5: title 0, subtitle 1, actionbar 2, times 3, clear 4, reset 5); from 1.17 one packet
 * each (`set_title_time`, `set_title_subtitle`, `set_title_text`, `clear_titles`). 1.7 has none.
 */
import type { Text, TitleTimes } from '../../../sdk/player.ts';
import { kernelIds } from '../ids/index.ts';
import { PacketWriter } from '../packet-writer.ts';
import { writeComponent } from '../text/component.ts';
import { PV } from './protocol-versions.ts';

export interface TitleParts {
  readonly title: Text;
  /** Absent: an empty subtitle, so one left over from an earlier title is not shown again. */
  readonly subtitle?: Text;
  /** Absent: the client keeps its current times (vanilla's 10, 70, 20 unless changed). */
  readonly times?: TitleTimes;
}

function titleActions(protocol: number): { title: number; subtitle: number; times: number } {
  return protocol >= PV.V1_11 ? { title: 0, subtitle: 1, times: 3 } : { title: 0, subtitle: 1, times: 2 };
}

function writeTimes(w: PacketWriter, times: TitleTimes): Buffer {
  return w.i32(times.fadeIn).i32(times.stay).i32(times.fadeOut).toBuffer();
}

function textPacket(protocol: number, head: PacketWriter, text: Text): Buffer {
  writeComponent(head, text, protocol);
  return head.toBuffer();
}

/**
 * The packets that show a title, in the order the client needs (times, subtitle, then the title,
 * which starts the display); undefined before 1.8.
 * @example for (const p of encodeTitle(769, { title: '§6Hi', subtitle: 'there' }) ?? []) channel.sendToClient(p)
 */
export function encodeTitle(protocol: number, parts: TitleParts): Buffer[] | undefined {
  if (protocol < PV.V1_8) return undefined;
  const ids = kernelIds(protocol).play.cb;
  const subtitle = parts.subtitle ?? '';
  if (protocol < PV.V1_17) {
    if (ids.title < 0) return undefined;
    const a = titleActions(protocol);
    const head = (action: number): PacketWriter => new PacketWriter().varInt(ids.title).varInt(action);
    const out: Buffer[] = [];
    if (parts.times !== undefined) out.push(writeTimes(head(a.times), parts.times));
    out.push(textPacket(protocol, head(a.subtitle), subtitle), textPacket(protocol, head(a.title), parts.title));
    return out;
  }
  if (ids.setTitleText < 0 || ids.setTitleSubtitle < 0 || ids.setTitleTime < 0) return undefined;
  const out: Buffer[] = [];
  if (parts.times !== undefined) out.push(writeTimes(new PacketWriter().varInt(ids.setTitleTime), parts.times));
  out.push(textPacket(protocol, new PacketWriter().varInt(ids.setTitleSubtitle), subtitle));
  out.push(textPacket(protocol, new PacketWriter().varInt(ids.setTitleText), parts.title));
  return out;
}
