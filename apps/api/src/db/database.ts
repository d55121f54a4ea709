// Opens the API's database: the external Postgres of DATABASE_URL, or else the embedded one (never
// some other server by accident), applies pending migrations, and returns the Prisma client.
import type { ApiConfig } from '../config';
import type { Logger } from '../logger';
import { connectionFromUrl, type DatabaseConnection } from './connection';
import { startEmbeddedPostgres } from './embedded-postgres';
import { applyMigrations } from './migrate';
import { createPrismaClient, type PrismaClient } from './prisma.service';

export interface Database {
  readonly connection: DatabaseConnection;
  readonly prisma: PrismaClient;
  readonly embedded: boolean;
  close(): Promise<void>;
}

export async function openDatabase(
  config: Pick<ApiConfig, 'databaseUrl' | 'embeddedPgDir' | 'embeddedPgPort'>,
  logger: Logger,
): Promise<Database> {
  const embedded =
    config.databaseUrl === undefined
      ? await startEmbeddedPostgres(config.embeddedPgDir, config.embeddedPgPort, logger)
      : undefined;
  const connection = connectionFromUrl(embedded?.url ?? config.databaseUrl!);
  try {
    const applied = await applyMigrations(connection);
    if (applied.length > 0) logger.info({ applied, schema: connection.schema }, 'applied migrations');
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const prisma = createPrismaClient(connection);
  return {
    connection,
    prisma,
    embedded: embedded !== undefined,
    async close() {
      await prisma.$disconnect();
      await embedded?.stop();
    },
  };
}
