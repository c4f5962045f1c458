/**
 * Turns the kernel's own lifecycle notifications into EventBus observer events
 * (ConnectionRejected, ServerConnected, Disconnect, ConfigReload). Observer events are not
 * awaited: a slow listener never holds up a connection.
 */
import type { KernelEmitter } from '../lifecycle/kernel-events.ts';
import type { EventBus } from './layers/event-bus.ts';
import type { ConnectionContext } from '../net/connection-context.ts';
import { connectionRef, playerRef } from '../net/plugin-hooks.ts';

export function bridgeKernelEvents(kernel: KernelEmitter, events: EventBus): () => void {
  const rejected = ({ conn, reason }: { conn: unknown; reason: string }): void => {
    if (events.listenerCount('ConnectionRejected') > 0) void events.fire('ConnectionRejected', { conn: connectionRef(conn as ConnectionContext), reason });
  };
  const connected = ({ conn, backend }: { conn: unknown; backend: string }): void => {
    const ctx = conn as ConnectionContext;
    if (events.listenerCount('ServerConnected') > 0) void events.fire('ServerConnected', { player: playerRef(ctx), serverId: ctx.serverId ?? '', backend });
  };
  const closed = (conn: unknown): void => {
    const ctx = conn as ConnectionContext;
    if (ctx.username !== undefined && events.listenerCount('Disconnect') > 0) void events.fire('Disconnect', { player: playerRef(ctx), serverId: ctx.serverId });
  };
  const reloaded = ({ ids }: { ids: string[] }): void => {
    if (events.listenerCount('ConfigReload') > 0) void events.fire('ConfigReload', { servers: ids });
  };
  kernel.on('connection.rejected', rejected);
  kernel.on('backend.connected', connected);
  kernel.on('connection.closed', closed);
  kernel.on('servers.changed', reloaded);
  return () => {
    kernel.off('connection.rejected', rejected);
    kernel.off('backend.connected', connected);
    kernel.off('connection.closed', closed);
    kernel.off('servers.changed', reloaded);
  };
}
