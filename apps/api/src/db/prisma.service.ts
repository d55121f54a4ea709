// The Prisma client of the API, over @prisma/adapter-pg for both the external and the embedded
// Postgres (one code path). Services receive it; only db/ and services touch Prisma.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';
import type { DatabaseConnection } from './connection';

export { Prisma, type PrismaClient } from '../generated/prisma/client.js';

/** A transaction client or the root client: what services write through. */
export type Db = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export function createPrismaClient(connection: DatabaseConnection): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(connection.poolConfig, { schema: connection.schema }) });
}
