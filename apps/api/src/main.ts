// Entry point of `npm start`: the GraphQL API (with workers unless NEGMINE_WORKERS=0), the
// embedded Postgres when DATABASE_URL is unset, and the demo data on a first start.
import 'reflect-metadata';
import { startApp } from './app';
import { AccessModeError } from './auth/access-mode';
import { ConfigError, loadConfig } from './config';
import { seedDemo } from './db/seed-demo';
import { createLogger } from './logger';
import { shutdownOnSignals } from './shutdown-on-signals';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`negmine: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  let app;
  try {
    app = await startApp(config, logger, { http: true });
  } catch (error) {
    if (error instanceof AccessModeError) {
      process.stderr.write(`negmine: refusing to start: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (config.seedDemo) await seedDemo(app.services, config, logger);
  const accessMode = app.server!.accessMode;
  logger.info(
    { url: app.server!.url, embeddedDatabase: app.database.embedded, workers: config.workerCount, accessMode },
    'negmine API ready',
  );
  const access = accessMode === 'open' ? 'open mode: no API key exists, loopback only' : 'API keys required';
  process.stderr.write(`negmine API ready: ${app.server!.url} (GraphiQL in a browser; ${access})\n`);
  shutdownOnSignals(() => app.stop(), logger, config.shutdownGraceSeconds);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `negmine: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
