// A version of whole tables, read in one snapshot, that changes with every committed insert, update
// or delete of their rows: a row's xmin is the transaction that wrote that version of it (a fresh
// one for every insert and update), and a delete changes the count. Answers computed from these
// tables after reading the version V stay right while the version still reads V; a write committed
// meanwhile can only make V stale, never the answer. Rows written only in the same commit as a row
// of a versioned table (a run's results and negatives, with its status flip) need no table of their
// own here. The cost is one scan of each table's xmin column in Postgres, none in Node.
import { Prisma, type PrismaClient } from './prisma.service';

/** Tables whose versions can be read (a closed list: the names go into the SQL text). */
export type VersionedTable = 'evaluation_runs' | 'mining_runs' | 'label_sets' | 'encoder_models';

export async function tablesVersion(prisma: PrismaClient, tables: readonly VersionedTable[]): Promise<string> {
  const parts = tables.map(
    (table) =>
      Prisma.sql`(SELECT count(*)::text || ':' || coalesce(string_agg(xmin::text, ',' ORDER BY xmin::text), '') FROM ${Prisma.raw(`"${table}"`)})`,
  );
  const rows = await prisma.$queryRaw<
    { version: string }[]
  >`SELECT md5(concat_ws(';', ${Prisma.join(parts)})) AS version`;
  return rows[0]!.version;
}
