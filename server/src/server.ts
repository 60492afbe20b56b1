// `npm start`: the coordinator process. Reads the config (a bad or missing variable stops it with a message
// naming it), composes one instance, listens, and on SIGTERM/SIGINT shuts down gracefully (stop accepting,
// finish in-flight requests, flush the sheet queue, close sockets) before exiting.
import { pathToFileURL } from 'node:url';
import { composeCoordinator, type Coordinator } from './compose.js';
import { ConfigError, loadConfig } from './config.js';

/** Stops `c` on the first SIGTERM/SIGINT (a second one exits at once). */
export function stopOnSignals(c: Coordinator, extra: () => Promise<void> = async () => {}): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    c.logger.info({ signal }, 'signal received');
    const hardStop = setTimeout(() => process.exit(1), c.config.shutdownGraceMs + 10_000);
    hardStop.unref();
    c.stop()
      .then(extra)
      .then(
        () => process.exit(0),
        (err: unknown) => {
          c.logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\nSee docs/coordinator.md for every variable.\n`);
      process.exit(2);
    }
    throw e;
  }
  const c = await composeCoordinator(config);
  const { url } = await c.listen();
  c.logger.info(
    {
      url,
      instance: config.instanceId,
      redis: config.redis.mode,
      demoMode: config.demoMode,
      webUi: c.servesWebUi,
    },
    'coordinator listening',
  );
  stopOnSignals(c);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `coordinator failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}
