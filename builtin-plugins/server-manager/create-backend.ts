/** Picks the backend of a `[server_manager]` section by its `type`. */
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { ManagerBackend } from './backends/backend.ts';
import { craftyBackend } from './backends/crafty.ts';
import { dockerBackend } from './backends/docker.ts';
import { localBackend } from './backends/local.ts';
import { pterodactylBackend } from './backends/pterodactyl.ts';
import type { ServerManagerConfig } from './options.ts';

export interface BackendContext {
  serverId: string;
  /** servers_dir: a relative `working_dir` is resolved against it (the server file's folder). */
  serversDir: string;
  log: Logger;
}

/**
 * A request may take v2's 10 s, but no longer than two poll intervals: an answer later than the
 * next poll is as good as none (and a hanging API is noticed sooner with short intervals).
 */
export const requestTimeout = (config: ServerManagerConfig): number => Math.min(10_000, Math.max(1_000, 2 * config.poll_interval));

export function createBackend(config: ServerManagerConfig, c: BackendContext): ManagerBackend {
  const http = { timeoutMs: requestTimeout(config) };
  switch (config.type) {
    case 'local': {
      const cwd = isAbsolute(config.working_dir) ? config.working_dir : resolve(c.serversDir, config.working_dir);
      return localBackend(config, { serverId: c.serverId, cwd, log: c.log });
    }
    case 'pterodactyl':
      return pterodactylBackend(config, http);
    case 'crafty':
      return craftyBackend(config, http);
    case 'docker':
      return dockerBackend(config, http);
  }
}
