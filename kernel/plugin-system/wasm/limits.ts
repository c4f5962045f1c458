/**
 * A guest's limits from `[plugins.<id>.wasm]` (kernel/config/schema-wasm.ts), over defaults that
 * match `[wasm]`'s: 64 MiB of memory per instance, 1024 queued calls, 1000 host calls and 100 log
 * lines per call, a 64 MiB JS heap for the worker, and recovery 5 restarts per 5 min with a
 * backoff from 1 s doubling to 5 min.
 */
import type { GuestLimits } from './guest-plugin.ts';
import { recoveryPolicy } from './quarantine.ts';

export interface PluginWasmKeys {
  memory_limit_mb?: number;
  queue_capacity?: number;
  host_calls_per_call?: number;
  recovery?: { max_restarts?: number; window?: number; backoff_initial?: number; backoff_max?: number };
}

export const DEFAULT_LIMITS = { memoryMb: 64, queueCapacity: 1024, maxHostCalls: 1000, maxLogLines: 100, heapMb: 64 } as const;

export function guestLimits(keys: PluginWasmKeys | undefined): GuestLimits {
  return {
    memoryBytes: (keys?.memory_limit_mb ?? DEFAULT_LIMITS.memoryMb) * 1024 * 1024,
    queueCapacity: keys?.queue_capacity ?? DEFAULT_LIMITS.queueCapacity,
    maxHostCalls: keys?.host_calls_per_call ?? DEFAULT_LIMITS.maxHostCalls,
    maxLogLines: DEFAULT_LIMITS.maxLogLines,
    heapMb: DEFAULT_LIMITS.heapMb,
    recovery: recoveryPolicy(keys?.recovery),
  };
}
