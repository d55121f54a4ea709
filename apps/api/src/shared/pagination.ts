// Relay-style cursor pagination shared by every connection: opaque cursors over a sort key, a
// maximum page size, and the generic Connection/Edge/PageInfo types.
import { Kind, type GraphQLResolveInfo, type SelectionNode } from 'graphql';
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { Max, MaxLength, Min } from 'class-validator';
import { badInput } from '../errors';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field({ nullable: true })
  endCursor?: string;
}

/** Cursors are a few sort-key values; anything longer is not one of ours (and is not parsed). */
export const MAX_CURSOR_LENGTH = 1024;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 50, description: 'Page size (at most the configured maximum, 500 by default)' })
  @Min(1)
  @Max(10_000)
  first!: number;

  @Field({ nullable: true, description: 'endCursor of the previous page' })
  @MaxLength(MAX_CURSOR_LENGTH)
  after?: string;
}

export interface Page<T> {
  readonly edges: readonly { readonly node: T; readonly cursor: string }[];
  readonly pageInfo: PageInfo;
  readonly totalCount: number;
}

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    if (cursor.length > MAX_CURSOR_LENGTH) throw new RangeError('cursor too long');
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((part) => typeof part === 'string' || typeof part === 'number')
    ) {
      return key as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  // The cursor is not echoed: it is client input of any size and content.
  throw badInput('after is not a valid cursor: pass the endCursor of a previous page of the same query and ordering', {
    cursorLength: cursor.length,
  });
}

export function checkPageSize(first: number, maxPageSize: number): void {
  if (first > maxPageSize) throw badInput(`first must be at most ${maxPageSize}; got ${first}`, { first, maxPageSize });
}

/** Builds a page from `first + 1` fetched rows (the extra row tells whether there is a next page). */
export function toPage<T>(
  rows: readonly T[],
  first: number,
  cursorOf: (row: T) => string,
  totalCount: number,
): Page<T> {
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ node, cursor: cursorOf(node) }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor }, totalCount };
}

/** The Connection and Edge object types of a node type (type-graphql generic pattern). */
export function connectionTypes<T extends object>(node: ClassType<T>, name: string): ClassType<Page<T>> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => node)
    node!: T;

    @Field()
    cursor!: string;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }
  return Connection as unknown as ClassType<Page<T>>;
}

/**
 * Whether the query selects `field` (e.g. totalCount) on the object the resolver returns, looking
 * through fragments; a connection skips its COUNT query when it is not asked for.
 */
export function selectsField(info: GraphQLResolveInfo, field: string): boolean {
  const visit = (selections: readonly SelectionNode[]): boolean =>
    selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === field;
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet.selections);
      const fragment = info.fragments[selection.name.value];
      return fragment !== undefined && visit(fragment.selectionSet.selections);
    });
  return info.fieldNodes.some((node) => node.selectionSet !== undefined && visit(node.selectionSet.selections));
}

/**
 * Names of the fields the query selects on a connection's nodes (`edges { node { … } }`), through
 * fragments; a list reads only those columns.
 */
export function selectedNodeFields(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const collect = (selections: readonly SelectionNode[], path: readonly string[]): void => {
    for (const selection of selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet.selections, path);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = info.fragments[selection.name.value];
        if (fragment !== undefined) collect(fragment.selectionSet.selections, path);
      } else if (path.length === 0) names.add(selection.name.value);
      else if (selection.name.value === path[0] && selection.selectionSet !== undefined)
        collect(selection.selectionSet.selections, path.slice(1));
    }
  };
  for (const node of info.fieldNodes)
    if (node.selectionSet !== undefined) collect(node.selectionSet.selections, ['edges', 'node']);
  return names;
}
