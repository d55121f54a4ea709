// Query limits on a small schema (each limit passes at its number and fails one above it), and the
// default limits against the service schema: every operation the dashboard sends stays within them.
import 'reflect-metadata';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, Kind, parse, print, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { buildApiSchema } from '../schema';
import { DEFAULT_QUERY_LIMITS, queryLimitRules, queryParseOptions, type QueryLimits } from './query-limits';

const SDL = `
  type Node { id: ID! name: String children(first: Int): NodeConnection! parent: Node }
  type NodeEdge { node: Node! }
  type NodeConnection { edges: [NodeEdge!]! }
  type Query { node(id: ID!): Node nodes(first: Int): NodeConnection! }
`;
// The dashboard's operations: one .graphql document per page module under dashboard/client.
const DASHBOARD_CLIENT_DIR = path.join(__dirname, '..', 'dashboard', 'client');

function graphqlFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? graphqlFilesUnder(full) : full.endsWith('.graphql') ? [full] : [];
  });
}

const LIMITS: QueryLimits = {
  maxDepth: 4,
  maxCost: 200,
  maxAliases: 3,
  maxDirectives: 2,
  maxTokens: 200,
  maxRequestedRows: 1_000,
  maxPageSize: 100,
};

function problemsWith(schema: GraphQLSchema, source: string, limits: QueryLimits): string[] {
  let document;
  try {
    document = parse(source, queryParseOptions(limits));
  } catch (error) {
    return [(error as Error).message];
  }
  return validate(schema, document, [...specifiedRules, ...queryLimitRules(limits)]).map((error) => error.message);
}

function problems(schema: GraphQLSchema, source: string, limits = LIMITS): string[] {
  return problemsWith(schema, source, limits);
}

describe('query limits', () => {
  const schema = buildSchema(SDL);

  it('limits depth', () => {
    expect(problems(schema, '{ node(id: 1) { parent { parent { id } } } }')).toEqual([]);
    expect(problems(schema, '{ node(id: 1) { parent { parent { parent { parent { id } } } } } }').join()).toMatch(
      /depth/i,
    );
  });

  it('limits aliases', () => {
    expect(problems(schema, '{ a: node(id: 1) { id } b: node(id: 2) { id } c: node(id: 3) { id } }')).toEqual([]);
    expect(
      problems(
        schema,
        '{ a: node(id: 1) { id } b: node(id: 2) { id } c: node(id: 3) { id } d: node(id: 4) { id } }',
      ).join(),
    ).toMatch(/alias/i);
  });

  it('limits directives', () => {
    expect(problems(schema, '{ node(id: 1) { id @skip(if: false) name @include(if: true) } }')).toEqual([]);
    expect(
      problems(schema, '{ node(id: 1) { id @skip(if: false) @include(if: true) name @include(if: true) } }').join(),
    ).toMatch(/directive/i);
  });

  it('limits tokens while parsing', () => {
    const fields = Array.from({ length: 250 }, () => 'id').join(' ');
    expect(problems(schema, `{ node(id: 1) { ${fields} } }`).join()).toMatch(
      /Document contains more tha[nt] 200 tokens/,
    );
  });

  it('limits cost', () => {
    const expensive = Array.from({ length: 300 }, (_, index) => `f${index}: name`).join(' ');
    expect(
      problems(schema, `{ node(id: 1) { ${expensive} } }`, { ...LIMITS, maxAliases: 1_000, maxTokens: 10_000 }).join(),
    ).toMatch(/cost/i);
  });

  it('limits the rows requested across connections, multiplied through nesting and through fragments', () => {
    const problems = (schemaArg: GraphQLSchema, source: string) =>
      problemsWith(schemaArg, source, { ...LIMITS, maxDepth: 20, maxCost: 100_000 });
    expect(
      problems(schema, '{ nodes(first: 10) { edges { node { children(first: 100) { edges { node { id } } } } } } }'),
    ).toEqual([]);
    expect(
      problems(
        schema,
        '{ nodes(first: 11) { edges { node { children(first: 100) { edges { node { id } } } } } } }',
      ).join(),
    ).toMatch(/1100 rows/);
    // A variable or a too-large literal counts as the largest page.
    expect(
      problems(
        schema,
        'query($n: Int) { nodes(first: $n) { edges { node { children(first: 5000) { edges { node { id } } } } } } }',
      ).join(),
    ).toMatch(/10000 rows/);
    expect(
      problems(
        schema,
        'fragment F on Node { children(first: 100) { edges { node { id } } } } { a: nodes(first: 6) { edges { node { ...F } } } b: nodes(first: 5) { edges { node { ...F } } } }',
      ).join(),
    ).toMatch(/1100 rows/);
  });
});

describe('default limits on the service schema', () => {
  it('accept every operation the dashboard sends, and refuse an alias flood of negatives pages', async () => {
    const schema = await buildApiSchema();
    const documents = graphqlFilesUnder(DASHBOARD_CLIENT_DIR).map((file) => parse(readFileSync(file, 'utf8')));
    let checked = 0;
    for (const document of documents) {
      const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
      const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
      for (const operation of operations) {
        // Each operation is sent alone (with its document's fragments), as the dashboard does.
        const source = print({ kind: Kind.DOCUMENT, definitions: [operation, ...fragments] });
        expect({
          operation: operation.name?.value,
          problems: problems(schema, source, DEFAULT_QUERY_LIMITS).filter((message) => !/never used/.test(message)),
        }).toEqual({ operation: operation.name?.value, problems: [] });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(3);
    const flood = `{ ${Array.from({ length: 1000 }, (_, index) => `n${index}: negatives(miningRunId: "x", first: 500) { totalCount }`).join(' ')} }`;
    expect(problems(schema, flood, DEFAULT_QUERY_LIMITS).length).toBeGreaterThan(0);
  });
});
