// Where the API's tables live: a Postgres URL plus the schema inside it. `?schema=NAME` in the URL
// selects a schema (tests use one per file); the pg pool pins `search_path` to it.
import type { PrismaPg } from '@prisma/adapter-pg';

/** The pool settings adapter-pg takes (its own copy of @types/pg, hence derived from it). */
export type PoolConfig = Exclude<ConstructorParameters<typeof PrismaPg>[0], string | { connect(): unknown }>;

export interface DatabaseConnection {
  /** The URL without the `schema` parameter (what `pg` understands). */
  readonly url: string;
  /** The schema holding the Prisma tables. */
  readonly schema: string;
  /** The schema pg-boss keeps its queue tables in. */
  readonly queueSchema: string;
  readonly poolConfig: PoolConfig;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Parses a postgres URL; `schema` defaults to `public`, its queue schema to `pgboss` (or `<schema>_boss`). */
export function connectionFromUrl(rawUrl: string, poolMax = 10): DatabaseConnection {
  const url = new URL(rawUrl);
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new Error(`expected a postgresql:// URL, got protocol '${url.protocol}'`);
  }
  const schema = url.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`schema '${schema}' is not accepted: use lower-case letters, digits and _ (at most 63)`);
  }
  url.searchParams.delete('schema');
  const queueSchema = schema === 'public' ? 'pgboss' : `${schema}_boss`;
  return {
    url: url.toString(),
    schema,
    queueSchema,
    poolConfig: { connectionString: url.toString(), max: poolMax, options: `-c search_path=${schema}` },
  };
}
