// Entry point of `npm run worker`: a process that only executes jobs (no HTTP). Any number of them,
// on any machines, share the queue through the database of DATABASE_URL (or the local embedded one).
import 'reflect-metadata';
import { startApp } from './app';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { shutdownOnSignals } from './shutdown-on-signals';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`negmine worker: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const workerCount = Math.max(1, config.workerCount);
  const app = await startApp({ ...config, workerCount }, logger, { http: false });
  logger.info(
    { workers: workerCount, shardWorkers: config.shardWorkerCount, embeddedDatabase: app.database.embedded },
    'negmine worker ready',
  );
  shutdownOnSignals(() => app.stop(), logger, config.shutdownGraceSeconds);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `negmine worker: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
