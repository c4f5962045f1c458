/**
 * Builds server-list responses from configured MOTDs, and applies `[motd.online]` overrides to
 * a backend's answer. Overrides apply only to a live (or cached live) backend answer: an
 * unreachable server shows its own MOTD untouched (the anchor's issue #66).
 */
import { legacyToComponent, componentToLegacy } from '../../sdk/text.ts';

/** The fields of a `[motd.<state>]` / `[default_motd.<state>]` table after loading. */
export interface MotdFields {
  text?: string;
  /** Already a `data:image/png;base64,…` URI (the config loader resolves files). */
  favicon?: string;
  version_name?: string;
  max_players?: number;
}

export interface StatusResponse {
  version: { name: string; protocol: number };
  players: { max: number; online: number; sample?: { name: string; id: string }[] };
  description: unknown;
  favicon?: string;
  [extra: string]: unknown;
}

export const BUILTIN_MOTD = {
  unreachable: '§cServer unreachable',
  sleeping: '§7Server sleeping — §aConnect to wake up!',
  starting: '§eServer is starting...',
  stopping: '§6Server is stopping...',
  crashed: '§cServer unavailable',
  unknownDomain: '§7Unknown server address',
  version: 'Infrarust',
} as const;

/** A response made entirely from config, for a server that cannot or need not be asked. */
export function motdResponse(motd: MotdFields | undefined, fallbackText: string, protocol: number): StatusResponse {
  const response: StatusResponse = {
    version: { name: motd?.version_name ?? BUILTIN_MOTD.version, protocol },
    players: { max: motd?.max_players ?? 0, online: 0 },
    description: legacyToComponent(motd?.text ?? fallbackText),
  };
  if (motd?.favicon !== undefined) response.favicon = motd.favicon;
  return response;
}

/** The manager states that answer pings from config instead of the backend (v2's defaults above). */
const STATE_MOTDS = ['sleeping', 'starting', 'stopping', 'crashed'] as const;
type StateMotd = (typeof STATE_MOTDS)[number];
type MotdTables = Partial<Record<StateMotd, MotdFields>>;

/**
 * The MOTD for a managed server's state: the server's `[motd.<state>]`, the global
 * `[default_motd.<state>]`, or the built-in line; undefined for `online` and `unknown` (the
 * backend is asked as usual).
 */
export function stateMotd(state: string, server: MotdTables | undefined, defaults: MotdTables): { motd: MotdFields | undefined; fallback: string } | undefined {
  const s = STATE_MOTDS.find((x) => x === state);
  if (s === undefined) return undefined;
  return { motd: server?.[s] ?? defaults[s], fallback: BUILTIN_MOTD[s] };
}

/** Applies `[motd.online]` overrides to a backend's JSON; returns the backend's text if unparsable. */
export function applyOnlineOverrides(json: string, online: MotdFields | undefined, maxPlayers: number): string {
  const wantsMax = maxPlayers > 0 || online?.max_players !== undefined;
  if (online === undefined && !wantsMax) return json;
  let parsed: StatusResponse;
  try {
    parsed = JSON.parse(json) as StatusResponse;
  } catch {
    return json;
  }
  if (online?.text !== undefined) parsed.description = legacyToComponent(online.text);
  if (online?.version_name !== undefined && parsed.version !== undefined) parsed.version.name = online.version_name;
  if (online?.favicon !== undefined) parsed.favicon = online.favicon;
  const max = online?.max_players ?? (maxPlayers > 0 ? maxPlayers : undefined);
  if (max !== undefined && parsed.players !== undefined) parsed.players.max = max;
  return JSON.stringify(parsed);
}

/** The fields a pre-netty (legacy) ping reply needs, taken from a modern JSON response. */
export function legacyFields(json: string): { versionName: string; motd: string; online: number; max: number; protocol: number } {
  try {
    const r = JSON.parse(json) as StatusResponse;
    return {
      versionName: String(r.version?.name ?? BUILTIN_MOTD.version),
      protocol: Number(r.version?.protocol ?? 127),
      motd: componentToLegacy(r.description),
      online: Number(r.players?.online ?? 0),
      max: Number(r.players?.max ?? 0),
    };
  } catch {
    return { versionName: BUILTIN_MOTD.version, protocol: 127, motd: '', online: 0, max: 0 };
  }
}
