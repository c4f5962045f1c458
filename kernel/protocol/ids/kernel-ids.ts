/**
 * The packet ids the kernel's hot path needs, one frozen table per protocol, built on first use.
 * Each field lists the minecraft-data names it has had across eras, first match wins: the field
 * means one packet whatever the version calls it (e.g. serverbound chat is 'chat' up to 1.18.2 and
 * 'chat_message' from 1.19).
 */
import { dataProtocol, packetId, type Direction, type ProtocolState } from './tables.ts';

const SPEC = {
  login: {
    cb: {
      disconnect: ['disconnect'],
      encryptionBegin: ['encryption_begin'],
      success: ['success'],
      compress: ['compress'], // 1.8+
      loginPluginRequest: ['login_plugin_request'], // 1.13+
      cookieRequest: ['cookie_request'], // 1.20.5+
    },
    sb: {
      loginStart: ['login_start'],
      encryptionBegin: ['encryption_begin'],
      loginPluginResponse: ['login_plugin_response'], // 1.13+
      loginAcknowledged: ['login_acknowledged'], // 1.20.2+
      cookieResponse: ['cookie_response'], // 1.20.5+
    },
  },
  config: {
    cb: {
      customPayload: ['custom_payload'],
      disconnect: ['disconnect'],
      finishConfiguration: ['finish_configuration'],
      keepAlive: ['keep_alive'],
    },
    sb: {
      customPayload: ['custom_payload'],
      finishConfiguration: ['finish_configuration'],
      keepAlive: ['keep_alive'],
    },
  },
  play: {
    cb: {
      login: ['login'],
      keepAlive: ['keep_alive'],
      kickDisconnect: ['kick_disconnect'],
      customPayload: ['custom_payload'],
      chat: ['chat'], // up to 1.18.2; then system_chat / player_chat / profileless_chat
      systemChat: ['system_chat'], // 1.19+
      playerChat: ['player_chat'], // 1.19+
      profilelessChat: ['profileless_chat'], // 1.19.3+ (disguised chat)
      title: ['title'], // 1.8 to 1.16.5; then the set_title_* packets and action_bar
      setTitleText: ['set_title_text'],
      setTitleSubtitle: ['set_title_subtitle'],
      setTitleTime: ['set_title_time'],
      actionBar: ['action_bar'],
      bossBar: ['boss_bar'], // 1.9+
      declareCommands: ['declare_commands'], // 1.13+
      tabComplete: ['tab_complete'],
      startConfiguration: ['start_configuration'], // 1.20.2+
      respawn: ['respawn'],
    },
    sb: {
      chatMessage: ['chat_message', 'chat'], // before 1.19 commands arrive here too, starting with '/'
      chatCommand: ['chat_command'], // 1.19+
      chatCommandSigned: ['chat_command_signed'], // 1.20.5+
      chatSessionUpdate: ['chat_session_update'], // 1.19.3+
      customPayload: ['custom_payload'],
      configurationAcknowledged: ['configuration_acknowledged'], // 1.20.2+
      keepAlive: ['keep_alive'],
      tabComplete: ['tab_complete'],
    },
  },
} as const;

type Spec = typeof SPEC;
type Ids<T> = { readonly [K in keyof T]: number };

/** Ids by state (`login`, `config`, `play`) and direction (`cb`, `sb`); -1 where the version has no such packet. */
export type KernelIds = {
  /** The protocol whose data the ids come from (`dataProtocol`), -1 when none. */
  readonly dataProtocol: number;
} & { readonly [S in keyof Spec]: { readonly cb: Ids<Spec[S]['cb']>; readonly sb: Ids<Spec[S]['sb']> } };

const STATE: Record<keyof Spec, ProtocolState> = { login: 'login', config: 'configuration', play: 'play' };
const DIRECTION = { cb: 'clientbound', sb: 'serverbound' } as const satisfies Record<string, Direction>;

function build(protocol: number | undefined): KernelIds {
  const out: Record<string, unknown> = { dataProtocol: protocol ?? -1 };
  for (const [state, dirs] of Object.entries(SPEC) as [keyof Spec, Record<'cb' | 'sb', Record<string, readonly string[]>>][]) {
    const group: Record<string, Readonly<Record<string, number>>> = {};
    for (const dir of ['cb', 'sb'] as const) {
      const ids: Record<string, number> = {};
      for (const [field, names] of Object.entries(dirs[dir])) {
        const found = protocol === undefined ? [] : names.map((n) => packetId(protocol, STATE[state], DIRECTION[dir], n));
        ids[field] = found.find((id) => id >= 0) ?? -1;
      }
      group[dir] = Object.freeze(ids);
    }
    out[state] = Object.freeze(group);
  }
  return Object.freeze(out) as KernelIds;
}

const cache = new Map<number, KernelIds>();
const NONE = build(undefined);

/**
 * The kernel's packet ids for `protocol` (frozen, cached per data protocol); every field -1 when
 * the protocol has no data (see `dataProtocol`).
 * @example kernelIds(765).play.cb.systemChat // 0x69
 */
export function kernelIds(protocol: number): KernelIds {
  const data = dataProtocol(protocol);
  if (data === undefined) return NONE;
  let ids = cache.get(data);
  if (!ids) cache.set(data, (ids = build(data)));
  return ids;
}
