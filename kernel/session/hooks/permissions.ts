/**
 * Permissions of intercepted players. `[permissions]` gives the default checker (provider
 * "builtin"): an admin may do everything, anyone else what `player_commands` lists. Admins are
 * UUIDs or names; a player no session server verified (offline mode, ForceOffline) matches only
 * when `trust_offline_admins` is on, since anyone can claim a name (and its offline UUID) then.
 * Another provider ("none", a plugin id) starts from a checker that grants nothing. Either way
 * `PermissionsSetup` fires once per player and its listeners may replace the checker.
 */
import type { ProxyConfig } from '../../config/index.ts';
import type { EventBus } from '../../layers/event-bus.ts';
import type { Logger } from '../../log/logger.ts';
import type { PlayerChannel } from '../player-channel.ts';
import { channelPlayerRef } from '../event-refs.ts';
import type { PlayerRef } from '../../../sdk/events.ts';

export type PermissionsConfig = ProxyConfig['permissions'];
export type PermissionChecker = (permission: string) => boolean;

/** The permission behind `/infrarust <sub>`; a `player_commands` entry without a dot names one. */
export const subcommandPermission = (sub: string): string => `infrarust.command.${sub.toLowerCase()}`;

const normalizeUuid = (s: string): string => s.replace(/-/g, '').toLowerCase();
const grantNothing: PermissionChecker = () => false;
const grantEverything: PermissionChecker = () => true;

/** Who the checker is for. */
export interface PermissionSubject {
  readonly name: string;
  readonly uuid: string | undefined;
  readonly verified: boolean;
}

/**
 * The `[permissions]` table's checker for one player. `player_commands` entries name `/ir`
 * subcommands (`"version"` → `infrarust.command.version`); an entry with a dot is taken as a
 * permission as is (`"hub.use"`), which is how plugin commands are opened to every player.
 */
export function builtinChecker(config: PermissionsConfig, subject: PermissionSubject): PermissionChecker {
  if (config.provider !== 'builtin') return grantNothing;
  if (isAdmin(config, subject)) return grantEverything;
  const granted = new Set(config.player_commands.map((e) => (e.includes('.') ? e.toLowerCase() : subcommandPermission(e))));
  return (permission) => granted.has(permission.toLowerCase());
}

function isAdmin(config: PermissionsConfig, subject: PermissionSubject): boolean {
  if (!subject.verified && !config.trust_offline_admins) return false;
  const name = subject.name.toLowerCase();
  const uuid = subject.uuid === undefined ? undefined : normalizeUuid(subject.uuid);
  return config.admins.some((a) => a.toLowerCase() === name || (uuid !== undefined && normalizeUuid(a) === uuid));
}

export interface PermissionDeps {
  readonly events: EventBus;
  /** `[permissions]` as loaded (infrarust.toml is read at startup). */
  readonly config: () => PermissionsConfig;
  readonly log: Logger;
}

/**
 * One checker per player, set up on first use (PermissionsSetup fires then, once per connection:
 * the held channel of a limbo join and the session's channel share it, and so do plugins asking
 * through `ctx.proxy.hasPermission`). The proxy forgets a connection's checker when it closes.
 */
export class PlayerPermissions {
  readonly #checkers = new Map<number, PermissionChecker | Promise<PermissionChecker>>();

  constructor(private readonly deps: PermissionDeps) {}

  /** The player's checker; a promise only the first time, while PermissionsSetup listeners run. */
  forPlayer(channel: PlayerChannel): PermissionChecker | Promise<PermissionChecker> {
    return this.forRef(channelPlayerRef(channel), channel.verified);
  }

  /** The checker of the player of `ref.connectionId` (`verified`: a session server verified them). */
  forRef(ref: PlayerRef, verified: boolean): PermissionChecker | Promise<PermissionChecker> {
    let checker = this.#checkers.get(ref.connectionId);
    if (checker === undefined) {
      checker = this.#setup(ref, verified);
      this.#checkers.set(ref.connectionId, checker);
      if (checker instanceof Promise) {
        void checker.then((c) => {
          if (this.#checkers.has(ref.connectionId)) this.#checkers.set(ref.connectionId, c);
        });
      }
    }
    return checker;
  }

  /** Drops a closed connection's checker. */
  forget(connectionId: number): void {
    this.#checkers.delete(connectionId);
  }

  #setup(ref: PlayerRef, verified: boolean): PermissionChecker | Promise<PermissionChecker> {
    const subject = { name: ref.username, uuid: ref.uuid, verified };
    const event = { player: ref, verified, hasPermission: builtinChecker(this.deps.config(), subject) };
    const fired = this.deps.events.dispatch('PermissionsSetup', event);
    const done = (e: { hasPermission: unknown }): PermissionChecker => checkerOf(e, this.deps.log, ref.username);
    return fired instanceof Promise ? fired.then(done) : done(fired);
  }
}

/** What a listener left in `hasPermission`, guarded: a checker that throws grants nothing. */
function checkerOf(event: { hasPermission: unknown }, log: Logger, player: string): PermissionChecker {
  const chosen = event.hasPermission;
  if (typeof chosen !== 'function') {
    log.error({ player }, 'a PermissionsSetup listener left hasPermission not a function; the player has no permissions');
    return grantNothing;
  }
  return function checkPermission(permission) {
    try {
      return (chosen as PermissionChecker)(permission) === true;
    } catch (err) {
      log.error({ err, player, permission }, 'permission checker threw; permission denied');
      return false;
    }
  };
}
