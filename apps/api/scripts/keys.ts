// `npm run keys -- create --role operator --name ci | list | revoke <id>`: manages the API keys in the
// service's database (DATABASE_URL, or the embedded Postgres, started for the command if needed).
import 'reflect-metadata';
import { ApiKeyRepository } from '../src/auth/api-key.repository';
import { ApiKeyStore } from '../src/auth/api-key.store';
import { runKeysCommand } from '../src/auth/keys-command';
import { ConfigError, loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { createLogger } from '../src/logger';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`negmine keys: configuration error: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger(process.env['LOG_LEVEL'] ?? 'warn');
  const database = await openDatabase(config, logger);
  try {
    return await runKeysCommand(process.argv.slice(2), new ApiKeyStore(new ApiKeyRepository(database.prisma)), {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    });
  } finally {
    await database.close();
  }
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`negmine keys: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
