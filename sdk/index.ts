/**
 * The Infrarust plugin SDK: the contract between the proxy and its plugins.
 * Types and pure helpers only; it imports nothing else from the repository.
 */
export * from './text.ts';
