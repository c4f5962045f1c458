// The metrics plugin's switches on a real proxy: with no [web], metrics_bind or [telemetry]
// enabled it registers nothing (no transport filter, no listener); with Prometheus on and OTLP off
// no @opentelemetry module is loaded; with OTLP over gRPC to an endpoint that is down, the proxy
// still serves joins and /metrics (export failures are the exporter's to log).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startBackend } from '../helpers/backend.ts';
import { join as joinServer } from '../helpers/client.ts';
import { freePort } from '../helpers/free-port.ts';
import { startProxy, serverToml } from '../helpers/proxy-harness.ts';

const otelLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@opentelemetry/sdk-trace-base'));

test('off without [web], metrics_bind or enabled: nothing registered', async () => {
  const proxy = await startProxy({ builtins: ['metrics'] });
  try {
    assert.equal(proxy.host?.list().find((p) => p.id === 'metrics')?.state, 'loaded');
    assert.equal(proxy.proxy.layers.transport.isEmpty, true);
    assert.equal(proxy.proxy.layers.events.listenerCount(), 0);
  } finally {
    await proxy.stop();
  }
});

test('Prometheus on, OTLP off: no OpenTelemetry module is loaded', async () => {
  const port = await freePort();
  const proxy = await startProxy({ builtins: ['metrics'], global: `[telemetry]\nmetrics_bind = "127.0.0.1:${port}"\n` });
  try {
    assert.match(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), /infrarust_joins_total/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
    assert.equal(otelLoaded(), false);
  } finally {
    await proxy.stop();
  }
});

test('OTLP over gRPC to a dead endpoint: joins and /metrics keep working', async () => {
  const backend = await startBackend({ version: '1.21.4' });
  const [port, dead] = [await freePort(), await freePort()];
  const proxy = await startProxy({
    builtins: ['metrics'],
    global: `[telemetry]\nenabled = true\nprotocol = "grpc"\nendpoint = "http://127.0.0.1:${dead}"\nmetrics_bind = "127.0.0.1:${port}"\n[telemetry.traces]\nsampling_ratio = 1.0\n[telemetry.metrics]\nexport_interval = "1s"\n`,
    servers: { lobby: serverToml(['lobby.test'], [backend.port]) },
  });
  try {
    assert.equal(otelLoaded(), true);
    await joinServer({ port: proxy.port, domain: 'lobby.test', version: '1.21.4', username: 'Steve', timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 1500)); // one failed metrics export
    assert.match(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), /infrarust_joins_total\{server="lobby"\} 1/);
  } finally {
    await proxy.stop();
    await backend.close();
  }
});
