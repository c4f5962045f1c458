/**
 * Which backend answer a server-list ping may share. The protocol number in a handshake is the
 * client's to choose, so the status cache never keys on it: a ping falls into one of a few
 * protocol *eras*, and each server has at most one cached answer per era. Whatever numbers
 * clients send, a server gets at most `PROTOCOL_ERAS.length` status requests per `ttl`.
 *
 * The backend is asked with the era's `probe` (a real release of the era that few servers run
 * as their only version), never with the client's number. The answer then decides what each
 * client of the era sees, the way a multi-version proxy answers (Velocity and Gate reply with
 * the client's own protocol when they support it):
 *
 * - the backend answered with the probe's number: it accepts versions other than its own
 *   (ViaVersion, a proxy behind us, a multi-version server), so each client gets its own
 *   protocol number back and sees the server as compatible;
 * - it answered with another number (its own version): the answer goes out unchanged, so a
 *   client of that version sees it as compatible and others see "incompatible", as they would
 *   pinging the backend directly.
 *
 * Limits: a server whose only version is an era's probe looks compatible to every client of
 * that era (its login then refuses the others with its own message, as Velocity's answers do);
 * a multi-version backend that does not accept the probe shows its own version to the era.
 */

export interface ProtocolEra {
  /** Part of the cache key. */
  readonly id: string;
  /** The lowest protocol number of the era (eras are contiguous; the first reaches down to any number). */
  readonly from: number;
  /** The protocol number the backend is asked with for this era. */
  readonly probe: number;
}

/**
 * Eras follow what changes between releases for a status answer and for which clients a
 * multi-version backend usually accepts: 1.8 (the PvP release, one protocol), the 1.9–1.12
 * combat update, the 1.13 flattening, 1.16's hex colours, 1.17–1.20, 1.21 and later (up to any
 * number: snapshots and releases newer than this table land there). Newest last.
 */
export const PROTOCOL_ERAS: readonly ProtocolEra[] = [
  { id: '1.7', from: -Infinity, probe: 4 }, // 1.7.2–1.7.5 (1.7.10, the modded one, is 5)
  { id: '1.8', from: 6, probe: 47 }, // 1.8–1.8.9: a single protocol
  { id: '1.9-1.12', from: 48, probe: 107 }, // 1.9
  { id: '1.13-1.15', from: 341, probe: 393 }, // 1.13
  { id: '1.16', from: 579, probe: 735 }, // 1.16
  { id: '1.17-1.20', from: 755, probe: 755 }, // 1.17
  { id: '1.21+', from: 767, probe: 771 }, // 1.21.6 (1.21.1, the modded one, is 767)
];

/** The era a client's protocol number falls in. */
export function protocolEra(protocol: number): ProtocolEra {
  for (let i = PROTOCOL_ERAS.length - 1; i > 0; i--) if (protocol >= PROTOCOL_ERAS[i].from) return PROTOCOL_ERAS[i];
  return PROTOCOL_ERAS[0];
}

/** A backend's status answer as cached: its JSON and what it says about protocol numbers. */
export interface EraAnswer {
  readonly json: string;
  /** Set when the backend answered with the probe's number: `json` for another client's number. */
  readonly forProtocol?: (protocol: number) => string;
}

/**
 * Reads the answer a backend gave to `probe`. When it echoed the probe, prepares `forProtocol`:
 * the JSON split around `version.protocol`, so each ping only joins three strings.
 */
export function readEraAnswer(json: string, probe: number): EraAnswer {
  let parsed: { version?: { protocol?: unknown } } | null;
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    return { json };
  }
  if (parsed === null || typeof parsed !== 'object' || parsed.version?.protocol !== probe) return { json };
  parsed.version.protocol = PLACEHOLDER;
  const parts = JSON.stringify(parsed).split(PLACEHOLDER_JSON);
  if (parts.length !== 2) return { json };
  const [before, after] = parts;
  return { json, forProtocol: (protocol) => `${before}${protocol}${after}` };
}

/** What goes to a client whose handshake said `protocol`. */
export function answerFor(answer: EraAnswer, protocol: number): string {
  return answer.forProtocol === undefined ? answer.json : answer.forProtocol(protocol);
}

/** Stands in for the number while splitting; its JSON form cannot occur in a backend's text by chance. */
const PLACEHOLDER = '\u0000infrarust:protocol\u0000';
const PLACEHOLDER_JSON = JSON.stringify(PLACEHOLDER);
