/**
 * The Docker provider: with a `[docker]` table in infrarust.toml, discovers servers from the
 * labels of running containers (labels.ts) through the Docker Engine API (engine.ts) and feeds
 * them to the kernel's `server-providers` service as provider `docker`, live: the events stream
 * adds and removes routes as containers start and stop (discovery.ts). A server file with the
 * same id wins over a container (the kernel warns). Without `[docker]` the plugin does nothing.
 */
import { definePlugin } from 'infrarust/sdk';
import { Discovery } from './discovery.ts';
import { DockerSchema, parseEndpoint, type DockerSettings } from './options.ts';

export const PROVIDER_ID = 'docker';

export default definePlugin({
  sections: { docker: DockerSchema },
  setup(ctx) {
    const settings = ctx.sections.docker as DockerSettings;
    if (settings === undefined) return; // no [docker] table: off, as in v2
    const providers = ctx.services.get('server-providers');
    if (providers === undefined) {
      ctx.log.error('the proxy offers no server-providers service; Docker discovery is off');
      return;
    }
    const handle = providers.register(PROVIDER_ID, { signal: ctx.signal });
    const discovery = new Discovery({
      endpoint: parseEndpoint(settings.endpoint),
      endpointText: settings.endpoint,
      network: settings.network,
      reconnectDelayMs: settings.reconnect_delay,
      pollIntervalMs: settings.poll_interval,
      handle,
      log: ctx.log,
      signal: ctx.signal,
      delay: (ms, task) => ctx.scheduler.delay(ms, task),
    });
    ctx.log.info({ endpoint: settings.endpoint }, 'Docker discovery started');
    void discovery.run();
  },
});
