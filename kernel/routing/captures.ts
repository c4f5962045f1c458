/**
 * Wildcard captures in addresses, as Gate Lite does: `domains = ["*.mc.example.com"]` with
 * `addresses = ["$1.internal:25565"]` routes `a.mc.example.com` to `a.internal:25565`, so one
 * file routes a fleet. `$n` is the n-th `*` of the pattern that matched (`?` captures nothing);
 * the config loader already refused a `$n` some domain of the server cannot fill.
 *
 * The captured text comes from the client's handshake: it may only hold `a-z 0-9 - _ .`, and the
 * built host must be a valid name, else that address is dropped (no address left: the player
 * gets the server's disconnect message, as for a dead backend).
 */
import { isValidHost } from '../../sdk/host-port.ts';
import { CAPTURE_REF, type BackendAddress } from '../config/schema-address.ts';

const CAPTURE_TEXT = /^[a-z0-9_.-]+$/;

const templated = new WeakMap<object, boolean>();

/** True when some address of `server` holds `$n` (cached per server object). */
export function usesCaptures(server: { readonly addresses: readonly BackendAddress[] }): boolean {
  let known = templated.get(server);
  if (known === undefined) templated.set(server, (known = server.addresses.some((a) => a.host.includes('$'))));
  return known;
}

/** The addresses with `$n` replaced by `captures[n-1]`; addresses that cannot be built are left out. */
export function substituteCaptures(addresses: readonly BackendAddress[], captures: readonly string[]): BackendAddress[] {
  const out: BackendAddress[] = [];
  for (const a of addresses) {
    if (!a.host.includes('$')) {
      out.push(a);
      continue;
    }
    let ok = true;
    const host = a.host.replace(CAPTURE_REF, (_, n: string) => {
      const text = captures[Number(n) - 1];
      if (text === undefined || !CAPTURE_TEXT.test(text)) ok = false;
      return text ?? '';
    });
    if (ok && isValidHost(host)) out.push({ host, port: a.port, weight: a.weight });
  }
  return out;
}

/** RoutingTable's `expand`: the same server with its addresses built from the captures. */
export function expandCaptures<S extends { readonly addresses: readonly BackendAddress[] }>(server: S, captures: readonly string[]): S {
  if (!usesCaptures(server)) return server;
  return { ...server, addresses: substituteCaptures(server.addresses, captures) };
}
