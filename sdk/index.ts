/**
 * The Infrarust plugin SDK: the contract between the proxy and its plugins.
 * Types and pure helpers only; it imports nothing else from the repository.
 */
export * from './text.ts';
export * from './ip.ts';
export * from './results.ts';
export * from './events.ts';
export * from './filters.ts';
export * from './limbo.ts';
export * from './commands.ts';
export * from './plugin.ts';
export * from './duration.ts';
export * from './host-port.ts';
export * from './cidr.ts';
export * from './provider.ts';
export * from './auth.ts';
export * from './player.ts';
export * from './server-manager.ts';
