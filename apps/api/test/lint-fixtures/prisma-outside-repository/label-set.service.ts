// Lint fixture (never imported): a service calling Prisma itself, which the lint must reject
// (only <feature>.repository.ts and db/ may; a type-only import is allowed).
import { createPrismaClient } from '../../../src/db/prisma.service';
import type { PrismaClient } from '../../../src/db/prisma.service';

export const client: typeof createPrismaClient = createPrismaClient;
export type Client = PrismaClient;
