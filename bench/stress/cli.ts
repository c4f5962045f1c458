// Stress tool entry point: npm run stress -- flood|malformed|mixed [--host H --port P ...]
import { USAGE, UsageError, isLoopback, parseArgs } from './options.ts';
import { runStress } from './run.ts';
import { formatSummary } from './stats.ts';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`stress: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const o = parsed;
  if (!isLoopback(o.host)) {
    console.error(
      `WARNING: ${o.host} is not a loopback address. This tool opens ${o.concurrency} hostile connections at a time ` +
        `for ${o.durationS} s: only aim it at a proxy you operate.`,
    );
  }
  console.log(
    `stress ${o.mode} → ${o.host}:${o.port} (domain ${o.domain}, protocol ${o.protocol}), ` +
      `concurrency ${o.concurrency}, ${o.durationS} s` +
      (o.mode === 'flood' ? '' : `; malformed must be closed within ${o.closeWithinMs} ms`),
  );
  const abort = new AbortController();
  const onSignal = (): void => {
    console.error('stopping…');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const result = await runStress(o, { signal: abort.signal });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  console.log(`\nsummary after ${result.elapsedS.toFixed(1)} s`);
  for (const [name, summary] of Object.entries(result.categories)) console.log(formatSummary(name, summary));
  if (o.json) console.log(`STRESS_RESULT ${JSON.stringify(result)}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Every socket and timer is closed by now; this only guards against a stray handle.
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
