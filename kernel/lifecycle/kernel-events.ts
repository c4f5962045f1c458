/**
 * Lifecycle notifications the kernel emits at each phase of a connection and of the proxy.
 * This is the seam the plugin host's EventBus attaches to: listeners here are synchronous
 * observers (mitt); decisions (deny, rewrite) will come through the EventBus, not from here.
 */
import mittImport, { type Emitter } from 'mitt';
import type { ConnectionInfo } from '../net/connection-context.ts';

// mitt's typings read as CommonJS under NodeNext, while its ESM build exports the function itself.
const mitt = mittImport as unknown as typeof mittImport.default;

export type KernelEvents = {
  'connection.accepted': ConnectionInfo;
  'connection.handshake': ConnectionInfo;
  'connection.routed': ConnectionInfo;
  'connection.rejected': { conn: ConnectionInfo; reason: string };
  'status.served': { conn: ConnectionInfo; source: 'cache' | 'backend' | 'stale' | 'motd' };
  'login.start': ConnectionInfo;
  'backend.connected': { conn: ConnectionInfo; backend: string };
  'connection.closed': ConnectionInfo;
  'servers.changed': { ids: string[] };
  'proxy.listening': { address: string; port: number };
  'proxy.stopping': Record<string, never>;
};

export type KernelEmitter = Emitter<KernelEvents>;

export function createKernelEmitter(): KernelEmitter {
  return mitt<KernelEvents>();
}
