/**
 * Host side of the `limbo` capability: `limbo.register(name)` registers an ordinary LimboHandler
 * (ctx.limbo, so it is in the plugin's ledger and servers name it in `limbo_handlers`) whose
 * hooks call the guest's `limbo-guest` exports. Sessions cross the boundary as host-assigned u64
 * handles, valid while the handler holds the player: `limbo.send-message` and `limbo.complete`
 * take them; after `complete`, a leave, or a guest restart they answer not-found.
 *
 * - `on-player-enter` has the call deadline; a throw, a trap, an overrun or a malformed result
 *   denies the player (fail closed, as for a native handler).
 * - `hold-with-timeout(ms)` denies when the time is up (the sdk's default).
 * - `complete(session, none)` accepts (next handler, then the backend); `complete(session,
 *   some(server))` redirects there.
 * - `on-chat` gets chat lines and, since 0.1.0 has no `on-command`, the commands the proxy's own
 *   commands did not take, as typed (`/login secret`).
 */
import type { PlayerRef } from '../../../sdk/events.ts';
import { accept, hold, holdWithTimeout, isHold, type HandlerResult, type LimboHandler, type LimboSession } from '../../../sdk/limbo.ts';
import { redirectTo } from '../../../sdk/results.ts';
import { InfrarustError } from '../../errors.ts';
import type { CapDeps } from './cap-codec-filter.ts';
import { toText } from './registrations.ts';

const ok = (val?: unknown) => ({ tag: 'ok', val });
const fail = (tag: 'not-found' | 'invalid-argument' | 'unsupported', message: string) => ({ tag: 'err', val: { tag, val: message } });
const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const MAX_TEXT = 32_767;

export function limboImports(deps: CapDeps & { label: string }): Record<string, (...args: never[]) => unknown> {
  /** Live session handles of this worker's handlers. */
  const sessions = new Map<number, LimboSession>();
  const forget = (sid: number | undefined): void => void (sid !== undefined && sessions.delete(sid));
  return {
    'limbo.register': (name: string) => {
      if (typeof name !== 'string' || !NAME.test(name)) return fail('invalid-argument', 'a limbo handler name is 1-64 letters, digits, - and _');
      const regs = deps.regs();
      const handle = regs.nextId++;
      const mine = new Map<LimboSession, number>();
      const guestHandle = BigInt(handle);
      const handler: LimboHandler = {
        name,
        async onPlayerEnter(session) {
          const sid = deps.regs().nextId++;
          sessions.set(sid, session);
          mine.set(session, sid);
          let result: HandlerResult;
          try {
            result = enterResult(deps.label, await deps.call('limboGuest.onPlayerEnter', [guestHandle, BigInt(sid), witPlayer(session.player)]));
          } catch (err) {
            forget(sid);
            mine.delete(session);
            throw err;
          }
          if (!isHold(result)) (forget(sid), mine.delete(session));
          return result;
        },
        async onChat(session, message) {
          const sid = mine.get(session);
          if (sid !== undefined) await deps.call('limboGuest.onChat', [guestHandle, BigInt(sid), message]);
        },
        // limbo-guest 0.1.0 has no on-command: a command the proxy's own commands did not take
        // reaches on-chat as the line the player typed, with its '/'.
        async onCommand(session, command, args) {
          const sid = mine.get(session);
          if (sid !== undefined) await deps.call('limboGuest.onChat', [guestHandle, BigInt(sid), `/${[command, ...args].join(' ')}`]);
        },
        onLeave(session) {
          const sid = mine.get(session);
          if (sid === undefined) return;
          mine.delete(session);
          forget(sid);
          deps.call('limboGuest.onLeave', [guestHandle, BigInt(sid)]).catch((err: unknown) => deps.ctx.log.debug({ err }, 'limbo on-leave failed'));
        },
      };
      let undo: () => void;
      try {
        undo = deps.ctx.limbo.register(handler);
      } catch (e) {
        return fail('invalid-argument', (e as Error).message);
      }
      regs.caps.set(handle, {
        kind: 'limbo',
        undo: () => {
          for (const sid of mine.values()) forget(sid);
          mine.clear();
          undo();
        },
      });
      return ok(guestHandle);
    },
    'limbo.unregister': (handle: bigint) => {
      const regs = deps.regs();
      const cap = regs.caps.get(Number(handle));
      if (cap?.kind !== 'limbo') return false;
      regs.caps.delete(Number(handle));
      cap.undo();
      return true;
    },
    'limbo.send-message': (sid: bigint, text: string) => {
      const session = sessions.get(Number(sid));
      if (session === undefined || !session.active) return fail('not-found', `no held limbo session ${sid}`);
      if (typeof text !== 'string' || text.length > MAX_TEXT) return fail('invalid-argument', `text of at most ${MAX_TEXT} characters`);
      const r = session.sendMessage(toText(text));
      return r.ok ? ok() : fail('unsupported', r.message ?? r.code ?? 'refused');
    },
    'limbo.complete': (sid: bigint, serverId?: string | null) => {
      const session = sessions.get(Number(sid));
      if (session === undefined || !session.active) return fail('not-found', `no held limbo session ${sid}`);
      if (serverId != null && (typeof serverId !== 'string' || serverId.length === 0 || serverId.length > 128)) return fail('invalid-argument', 'server-id must be 1-128 characters');
      sessions.delete(Number(sid));
      session.complete(serverId == null ? accept() : redirectTo(serverId));
      return ok();
    },
  };
}

function witPlayer(p: PlayerRef) {
  return { connectionId: p.connectionId, username: p.username, uuid: p.uuid ?? null, remoteAddress: p.remoteAddress, protocolVersion: p.protocolVersion, serverId: null, mode: 'intercepted' };
}

/** The WIT `enter-result` as the sdk's HandlerResult; throws (deny) when malformed. */
function enterResult(label: string, r: unknown): HandlerResult {
  const v = r as { tag?: unknown; val?: unknown } | null;
  const str = (): string => {
    if (typeof v?.val !== 'string' || v.val.length > MAX_TEXT) throw malformed(label, `${String(v?.tag)} needs a string`);
    return v.val;
  };
  switch (v?.tag) {
    case 'accept': return accept();
    case 'hold': return hold();
    case 'deny': return { type: 'deny', reason: str() };
    case 'redirect': return redirectTo(str());
    case 'hold-with-timeout': {
      const ms = Number(v.val);
      if (!Number.isInteger(ms) || ms <= 0) throw malformed(label, 'hold-with-timeout needs a positive number of ms');
      return holdWithTimeout(ms, 'deny');
    }
    default: throw malformed(label, `unknown enter-result ${String(v?.tag)}`);
  }
}

function malformed(label: string, why: string): InfrarustError {
  return new InfrarustError('IR_ERR_WASM_GUEST', `${label}: on-player-enter returned a malformed result: ${why}`);
}
