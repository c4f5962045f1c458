/**
 * The two byte-level layers. TransportFilter sees raw TCP bytes of every connection
 * (passthrough included); CodecFilter sees framed packets, one instance per connection and side.
 */

/** Ordering metadata shared by both filter kinds. */
export interface FilterMetadata {
  /** Unique within its layer, e.g. 'my-plugin:throttle'. */
  id: string;
  /** 0 (first) … 255 (last); ties broken by id. Default 128. */
  priority?: number;
  /** Ids this filter must run after / before (missing ids are ignored). */
  after?: readonly string[];
  before?: readonly string[];
}

export type TransportVerdict =
  | { type: 'continue' }
  | { type: 'modified'; data: Uint8Array }
  | { type: 'reject'; reason?: string };

export interface TransportContext {
  readonly connectionId: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
}

/** Layer 1: shared instance; hooks are optional. Keep them fast: they run on every byte. */
export interface TransportFilter extends FilterMetadata {
  onAccept?(ctx: TransportContext): TransportVerdict | Promise<TransportVerdict>;
  onClientData?(ctx: TransportContext, data: Uint8Array): TransportVerdict;
  onServerData?(ctx: TransportContext, data: Uint8Array): TransportVerdict;
  onClose?(ctx: TransportContext): void;
}

export interface FramedPacket {
  readonly id: number;
  /** The packet body after the id (a view: copy it to keep it). */
  readonly data: Uint8Array;
}

export type CodecVerdict =
  | { type: 'pass' }
  | { type: 'drop' }
  | { type: 'replace'; packet: FramedPacket }
  | { type: 'error'; reason: string };

/** Lets a filter add packets around the one it is looking at. */
export interface FrameOutput {
  injectBefore(packet: FramedPacket): void;
  injectAfter(packet: FramedPacket): void;
}

export interface CodecContext {
  readonly connectionId: number;
  readonly side: 'client' | 'server';
  readonly protocolVersion: number;
  state: 'handshake' | 'status' | 'login' | 'configuration' | 'play';
}

/** Layer 2 instance: synchronous, budget well under 1 µs per call. */
export interface CodecFilterInstance {
  filter(packet: FramedPacket, output: FrameOutput): CodecVerdict;
  onStateChange?(state: CodecContext['state']): void;
  onCompression?(threshold: number): void;
  onEncryption?(): void;
  onClose?(): void;
}

/** Registered once; creates an instance per connection and side. */
export interface CodecFilterFactory extends FilterMetadata {
  create(ctx: CodecContext): CodecFilterInstance | undefined;
}

// Shared frozen verdicts: the hot path allocates nothing when a filter lets a packet through.
const CONTINUE: TransportVerdict = Object.freeze({ type: 'continue' });
const PASS: CodecVerdict = Object.freeze({ type: 'pass' });
const DROP: CodecVerdict = Object.freeze({ type: 'drop' });

/** @example onClientData: () => continueVerdict() */
export const continueVerdict = (): TransportVerdict => CONTINUE;
/** @example onAccept: (c) => (blocked(c) ? rejectVerdict('blocked') : continueVerdict()) */
export const rejectVerdict = (reason?: string): TransportVerdict => ({ type: 'reject', reason });
/** @example filter: () => passPacket() */
export const passPacket = (): CodecVerdict => PASS;
/** @example filter: (p) => (p.id === 0x1a ? dropPacket() : passPacket()) */
export const dropPacket = (): CodecVerdict => DROP;
/** @example filter: (p) => replacePacket({ id: p.id, data: rewritten }) */
export const replacePacket = (packet: FramedPacket): CodecVerdict => ({ type: 'replace', packet });
