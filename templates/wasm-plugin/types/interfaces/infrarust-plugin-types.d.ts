declare module 'infrarust:plugin/types@0.1.0' {
  /**
   * A text component: a JSON text component (`{"text":"hi","color":"gold"}`) or a legacy
   * `§`-coded string; the host parses it as the sdk's `Text` does.
   */
  export type TextComponent = string;
  /**
   * A player as `PlayerRef` and `Player` describe it (sdk/events.ts, sdk/player.ts).
   */
  export interface Player {
    connectionId: number,
    username: string,
    /**
     * Dashed UUID, when known.
     */
    uuid?: string,
    remoteAddress: string,
    protocolVersion: number,
    /**
     * The server the player is on, when connected to one.
     */
    serverId?: string,
    /**
     * "intercepted" or "passthrough" (only intercepted players can be sent messages).
     */
    mode: string,
  }
  /**
   * A configured server (sdk `ServerSummary`).
   */
  export interface Server {
    id: string,
    domains: Array<string>,
    addresses: Array<string>,
    proxyMode: string,
    connections: number,
  }
  /**
   * The sdk's result constructors (sdk/results.ts), one case each, same names.
   */
  export type EventResult = EventResultAllowed | EventResultDenied | EventResultDropSilently | EventResultForceOffline | EventResultForceOnline | EventResultConnectTo | EventResultSendToLimbo | EventResultDisconnect | EventResultRedirect | EventResultNotify | EventResultModify | EventResultPass | EventResultDrop;
  export interface EventResultAllowed {
    tag: 'allowed',
  }
  export interface EventResultDenied {
    tag: 'denied',
    val: TextComponent,
  }
  export interface EventResultDropSilently {
    tag: 'drop-silently',
  }
  export interface EventResultForceOffline {
    tag: 'force-offline',
  }
  export interface EventResultForceOnline {
    tag: 'force-online',
  }
  export interface EventResultConnectTo {
    tag: 'connect-to',
    val: string,
  }
  export interface EventResultSendToLimbo {
    tag: 'send-to-limbo',
    val: Array<string>,
  }
  export interface EventResultDisconnect {
    tag: 'disconnect',
    val: TextComponent,
  }
  export interface EventResultRedirect {
    tag: 'redirect',
    val: string,
  }
  export interface EventResultNotify {
    tag: 'notify',
    val: TextComponent,
  }
  export interface EventResultModify {
    tag: 'modify',
    val: string,
  }
  export interface EventResultPass {
    tag: 'pass',
  }
  export interface EventResultDrop {
    tag: 'drop',
  }
  /**
   * An event as the guest receives it: the sdk event name (`ProxyPing`, `PreLogin`, …) and its
   * payload as JSON of the sdk's `EventMap[name]` (functions and binary fields left out).
   */
  export interface Event {
    name: string,
    payload: string,
  }
  /**
   * What a listener decided. `response` is ProxyPing's changed `PingResponse` as JSON.
   */
  export type EventOutcome = EventOutcomeUnchanged | EventOutcomeResult | EventOutcomeResponse;
  export interface EventOutcomeUnchanged {
    tag: 'unchanged',
  }
  export interface EventOutcomeResult {
    tag: 'result',
    val: EventResult,
  }
  export interface EventOutcomeResponse {
    tag: 'response',
    val: string,
  }
  /**
   * Why a host call was refused.
   */
  export type HostError = HostErrorNotFound | HostErrorInvalidArgument | HostErrorUnsupported;
  export interface HostErrorNotFound {
    tag: 'not-found',
    val: string,
  }
  export interface HostErrorInvalidArgument {
    tag: 'invalid-argument',
    val: string,
  }
  export interface HostErrorUnsupported {
    tag: 'unsupported',
    val: string,
  }
}
