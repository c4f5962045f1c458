/**
 * PROXY protocol on the wire. Receive: with `receive_proxy_protocol`, each connection's header
 * is read on its own (never in the accept loop, so a slow peer stalls nobody), before transport
 * filters and the handshake reader; its client address replaces the peer address on the
 * context. Send: a v2 header in front of the bytes replayed to a `send_proxy_protocol` backend.
 */
import { BlockList, isIP, type Socket } from 'node:net';
import type { Logger } from '../log/logger.ts';
import { Occasional } from '../log/occasional.ts';
import type { Cidr } from '../../sdk/cidr.ts';
import { ConnectionClosedError } from './client-reader.ts';
import { encodeProxyV2, encodeProxyV2Local, parseProxyHeader, type ProxyHeader } from '../protocol/proxy-protocol.ts';
import { InfrarustError, isInfrarustError } from '../errors.ts';

/** How long a peer has to send its whole header. */
export const PROXY_HEADER_TIMEOUT_MS = 5_000;
/** At most one "untrusted peer" warning per this interval; the others are counted into it. */
const UNTRUSTED_WARN_INTERVAL_MS = 60_000;

type CompleteHeader = Exclude<ProxyHeader, { kind: 'incomplete' }>;

/** What the PROXY header code reads of a connection, and the address it replaces. */
export interface ProxiedConnection {
  readonly socket: Socket;
  remoteAddress: string;
  remotePort: number;
  readonly log: Logger;
}

export class ProxyHeaderReceiver {
  /** Undefined when every peer is trusted. */
  private readonly trusted: BlockList | undefined;
  private readonly untrustedWarning = new Occasional(UNTRUSTED_WARN_INTERVAL_MS);

  constructor(
    trusted: readonly Cidr[],
    private readonly log: Logger,
    private readonly timeoutMs = PROXY_HEADER_TIMEOUT_MS,
  ) {
    if (trusted.length === 0) {
      log.warn('receive_proxy_protocol is on and trusted_proxies is empty: any peer can claim any client address; list your load balancers in trusted_proxies');
      return;
    }
    this.trusted = new BlockList();
    for (const c of trusted) this.trusted.addSubnet(c.address, c.prefix, c.family);
  }

  /**
   * Reads `ctx`'s header and applies its address. Resolves true when the connection may go on;
   * false when it was refused and closed. Never rejects.
   */
  async receive(ctx: ProxiedConnection): Promise<boolean> {
    if (!this.isTrusted(ctx.remoteAddress)) {
      this.warnUntrusted(ctx.remoteAddress);
      ctx.socket.destroy();
      return false;
    }
    // Until the handshake reader attaches its own (after transport filters), an error must not go unhandled.
    ctx.socket.on('error', ignoreError);
    try {
      const header = await readProxyHeader(ctx.socket, this.timeoutMs);
      if (header.source !== undefined) {
        ctx.remoteAddress = header.source.address;
        ctx.remotePort = header.source.port;
      }
      return true;
    } catch (err) {
      ctx.socket.destroy();
      if (!(err instanceof ConnectionClosedError)) {
        const code = isInfrarustError(err) ? err.code : undefined;
        ctx.log.debug({ code, remote: ctx.remoteAddress, reason: (err as Error).message }, 'connection closed: no valid PROXY header');
      }
      return false;
    }
  }

  /**
   * True when `peer` is one of the listed trusted_proxies (false when the list is empty: then
   * any peer may send a header, so none is known to be a load balancer).
   */
  isListedProxy(peer: string): boolean {
    return this.trusted !== undefined && this.isTrusted(peer);
  }

  private isTrusted(peer: string): boolean {
    if (this.trusted === undefined) return true;
    const address = unmapIpv4(peer);
    const version = isIP(address);
    return version !== 0 && this.trusted.check(address, version === 4 ? 'ipv4' : 'ipv6');
  }

  private warnUntrusted(peer: string): void {
    const suppressed = this.untrustedWarning.due();
    if (suppressed === undefined) return;
    this.log.warn({ remote: peer, suppressed }, 'connection refused: peer is not in trusted_proxies (receive_proxy_protocol is on)');
  }
}

/**
 * Reads a PROXY header off `socket` in paused mode ('readable' + read()), then puts back the
 * bytes after it, so the next reader attaching 'data' gets the client's stream byte for byte.
 */
export function readProxyHeader(socket: Socket, timeoutMs: number): Promise<CompleteHeader> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new InfrarustError('IR_ERR_PROTO_PROXY_HEADER', `no complete PROXY header within ${timeoutMs} ms`)), timeoutMs);
    function onReadable(): void {
      for (let chunk: Buffer | null; (chunk = socket.read() as Buffer | null) !== null; ) buffered = Buffer.concat([buffered, chunk]);
      let header: ProxyHeader;
      try {
        header = parseProxyHeader(buffered);
      } catch (err) {
        return finish(err as Error);
      }
      if (header.kind !== 'incomplete') finish(undefined, header);
    }
    const onEnd = (): void => finish(new ConnectionClosedError('client closed the connection before its PROXY header'));
    const onError = (err: Error): void => finish(err);
    function finish(err: Error | undefined, header?: CompleteHeader): void {
      clearTimeout(timer);
      socket.removeListener('readable', onReadable);
      socket.removeListener('end', onEnd);
      socket.removeListener('close', onEnd);
      socket.removeListener('error', onError);
      if (err !== undefined) return reject(err);
      const rest = buffered.subarray(header!.headerLength);
      if (rest.length > 0) socket.unshift(rest);
      resolve(header!);
    }
    socket.on('readable', onReadable);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.on('error', onError);
  });
}

/**
 * `bytes` for the backend, behind a v2 header when the server asks for one: the client's address
 * (real, if a PROXY header gave it) to the proxy address the client connected to.
 */
export function withProxyHeader(ctx: ProxiedConnection, server: { send_proxy_protocol: boolean }, bytes: Buffer): Buffer {
  if (!server.send_proxy_protocol) return bytes;
  return Buffer.concat([backendProxyHeader(ctx), bytes]);
}

function backendProxyHeader(ctx: ProxiedConnection): Buffer {
  const local = ctx.socket.localAddress;
  try {
    if (local === undefined) throw new RangeError('client socket has no local address');
    return encodeProxyV2({ source: { address: ctx.remoteAddress, port: ctx.remotePort }, destination: { address: local, port: ctx.socket.localPort ?? 0 } });
  } catch {
    // The client is already gone (no addresses left): say "no client" rather than invent one.
    return encodeProxyV2Local();
  }
}

function ignoreError(): void {}

function unmapIpv4(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}
