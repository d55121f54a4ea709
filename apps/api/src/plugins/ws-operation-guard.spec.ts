// graphql-ws operations get the same limits as HTTP: token limit while parsing, limit rules and the
// standard rules while validating, bounded errors with codes; a good operation comes back ready to run.
import { buildSchema } from 'graphql';
import { DEFAULT_QUERY_LIMITS } from './query-limits';
import { checkWsOperation } from './ws-operation-guard';

const schema = buildSchema('type Query { a(first: Int): [Int!]! } type Subscription { tick: Int! }');
const limits = { ...DEFAULT_QUERY_LIMITS, maxAliases: 2, maxTokens: 100 };

function codes(result: ReturnType<typeof checkWsOperation>): unknown[] {
  return 'errors' in result ? result.errors.map((error) => error.extensions['code']) : [];
}

describe('checkWsOperation', () => {
  it('accepts a good operation with its name and variables', () => {
    const result = checkWsOperation(schema, limits, {
      query: 'subscription S { tick }',
      operationName: 'S',
      variables: { x: 1 },
    });
    expect('document' in result && result.operationName).toBe('S');
    expect('document' in result && result.variableValues).toEqual({ x: 1 });
  });

  it('refuses token, alias and row floods, unknown fields and unparsable text, without echoing the input', () => {
    expect(codes(checkWsOperation(schema, limits, { query: `{ ${'a '.repeat(200)} }` }))).toEqual([
      'GRAPHQL_PARSE_FAILED',
    ]);
    expect(codes(checkWsOperation(schema, limits, { query: '{ x: a y: a z: a }' }))).toEqual(['QUERY_TOO_COMPLEX']);
    expect(codes(checkWsOperation(schema, { ...limits, maxRequestedRows: 10 }, { query: '{ a(first: 11) }' }))).toEqual(
      ['QUERY_TOO_COMPLEX'],
    );
    expect(codes(checkWsOperation(schema, limits, { query: '{ nope }' }))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(codes(checkWsOperation(schema, limits, { query: '{ a' }))).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(codes(checkWsOperation(schema, limits, { query: 'query A { a } query B { a }' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });
});
