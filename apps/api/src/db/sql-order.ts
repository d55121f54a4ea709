// Keyset paging over any sortable column of a run list, in SQL: the value a list sorts by is one
// SQL expression, used for ORDER BY, for the next page's keyset and (as text) in the cursor, so
// the three cannot disagree. Nulls come last in both directions; ties are broken by id in the
// same direction, so every row has one place and cursor paging neither repeats nor skips rows.
import { Prisma } from './prisma.service';
import { badInput } from '../errors';
import { decodeCursor, encodeCursor } from '../shared/pagination';

/** What one ordering sorts by, over a table aliased `r` with a uuid `id`. */
export interface SqlSortExpression {
  /** The value (e.g. r.created_at, l.name). */
  readonly sql: Prisma.Sql;
  /** The type a cursor's text value is cast back to (its ::text output must round-trip exactly). */
  readonly type: Prisma.Sql;
  readonly nullable: boolean;
  /** A JOIN the expression needs (e.g. the label set for its name). */
  readonly join?: Prisma.Sql;
}

/** A position in an ordering: the sort value (as Postgres prints it) and id of the last row read. */
export interface SortPosition {
  readonly value: string | null;
  readonly id: string;
}

/** `ORDER BY` clause of an ordering. */
export function orderByClause(expression: SqlSortExpression, direction: 'asc' | 'desc'): Prisma.Sql {
  const way = direction === 'asc' ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  return Prisma.sql`ORDER BY ${expression.sql} ${way} NULLS LAST, r.id ${way}`;
}

/** Rows after `after` in the ordering; a null value continues among the nulls (which come last). */
export function keysetCondition(
  expression: SqlSortExpression,
  direction: 'asc' | 'desc',
  after: SortPosition,
): Prisma.Sql {
  const beyond = direction === 'asc' ? Prisma.sql`>` : Prisma.sql`<`;
  const id = Prisma.sql`${after.id}::uuid`;
  if (after.value === null) return Prisma.sql`(${expression.sql} IS NULL AND r.id ${beyond} ${id})`;
  const value = Prisma.sql`${after.value}::${expression.type}`;
  const nulls = expression.nullable ? Prisma.sql` OR ${expression.sql} IS NULL` : Prisma.empty;
  return Prisma.sql`(${expression.sql} ${beyond} ${value} OR (${expression.sql} = ${value} AND r.id ${beyond} ${id})${nulls})`;
}

/** The cursor of a row: the ordering's name, whether the value is null, the value and the id. */
export function encodeSortCursor(order: string, position: SortPosition): string {
  return encodeCursor([order, position.value === null ? 0 : 1, position.value ?? '', position.id]);
}

/** The position a cursor names; a cursor of another ordering is refused instead of misread. */
export function decodeSortCursor(cursor: string, order: string): SortPosition {
  const [name, hasValue, value, id] = decodeCursor(cursor, 4);
  if (name !== order || (hasValue !== 0 && hasValue !== 1) || typeof id !== 'string')
    throw badInput(
      `after is not a valid cursor for orderBy ${order}: pass the endCursor of a previous page of the same query and ordering`,
      { cursorLength: cursor.length },
    );
  return { value: hasValue === 1 ? String(value) : null, id };
}
