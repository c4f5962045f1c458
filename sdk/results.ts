/**
 * Result constructors for resulted events: decisions are values, throwing is for bugs.
 * @example return deny('§cBanned');   // in a PreLogin listener
 */
export type Allowed = { readonly type: 'allowed' };
export type Denied = { readonly type: 'denied'; readonly reason: string };
export type DroppedSilently = { readonly type: 'drop-silently' };
export type ForceOffline = { readonly type: 'force-offline' };
export type ForceOnline = { readonly type: 'force-online' };
export type ConnectTo = { readonly type: 'connect-to'; readonly server: string };
export type SendToLimbo = { readonly type: 'send-to-limbo'; readonly handlers?: readonly string[] };
export type DisconnectPlayer = { readonly type: 'disconnect'; readonly reason: string };
export type RedirectTo = { readonly type: 'redirect'; readonly server: string };
export type Notify = { readonly type: 'notify'; readonly message: string };
export type Modify<T> = { readonly type: 'modify'; readonly value: T };
export type Pass = { readonly type: 'pass' };
export type Drop = { readonly type: 'drop' };

/** @example allow() */
export const allow = (): Allowed => ({ type: 'allowed' });
/** @example deny('§cNot today') */
export const deny = (reason: string): Denied => ({ type: 'denied', reason });
/** Close the connection without a word (ConnectionHandshake). @example dropSilently() */
export const dropSilently = (): DroppedSilently => ({ type: 'drop-silently' });
/** @example forceOffline() */
export const forceOffline = (): ForceOffline => ({ type: 'force-offline' });
/** @example forceOnline() */
export const forceOnline = (): ForceOnline => ({ type: 'force-online' });
/** @example connectTo('lobby') */
export const connectTo = (server: string): ConnectTo => ({ type: 'connect-to', server });
/** @example sendToLimbo(['auth']) */
export const sendToLimbo = (handlers?: readonly string[]): SendToLimbo => ({ type: 'send-to-limbo', handlers });
/** @example disconnectPlayer('§cThe server closed') */
export const disconnectPlayer = (reason: string): DisconnectPlayer => ({ type: 'disconnect', reason });
/** @example redirectTo('fallback') */
export const redirectTo = (server: string): RedirectTo => ({ type: 'redirect', server });
/** @example notify('§eYou were moved to the lobby') */
export const notify = (message: string): Notify => ({ type: 'notify', message });
/** @example modify('new chat text') */
export const modify = <T>(value: T): Modify<T> => ({ type: 'modify', value });
/** @example pass() */
export const pass = (): Pass => ({ type: 'pass' });
/** @example drop() */
export const drop = (): Drop => ({ type: 'drop' });

/** Type guard. @example if (isDenied(r)) kick(r.reason) */
export const isDenied = (r: { type: string } | undefined): r is Denied => r?.type === 'denied';
