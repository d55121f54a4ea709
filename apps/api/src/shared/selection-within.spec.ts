// selectionWithin over real parsed queries: fragments, inline fragments, aliases, nested rules.
import { buildSchema, graphql, type GraphQLResolveInfo } from 'graphql';
import { selectionWithin, type AllowedSelection } from './selection-within';

const schema = buildSchema(`
  type Point { x: Float y: Float }
  type Owner { name: String }
  type Result { value: Float points: [Point] owner: Owner }
  type Run { id: ID status: String results: [Result] owner: Owner }
  type Query { run: Run }
`);

const ALLOWED: AllowedSelection = { id: true, status: true, results: { value: true, points: true } };

async function verdict(query: string): Promise<boolean> {
  let seen: boolean | undefined;
  await graphql({
    schema,
    source: query,
    rootValue: {
      run: (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
        seen = selectionWithin(info, ALLOWED);
        return {};
      },
    },
  });
  if (seen === undefined) throw new Error('the resolver did not run');
  return seen;
}

describe('selectionWithin', () => {
  it.each([
    ['{ run { id status } }', true],
    ['{ run { __typename id results { value points { x y } } } }', true],
    ['{ run { i: id r: results { v: value } } }', true],
    ['{ run { ...F } } fragment F on Run { id results { ...R } } fragment R on Result { value }', true],
    ['{ run { ... on Run { status } } }', true],
    ['{ run { owner { name } } }', false],
    ['{ run { results { owner { name } } } }', false],
    ['{ run { ...F } } fragment F on Run { results { owner { name } } }', false],
    ['{ run { ... on Run { owner { name } } } }', false],
  ])('%s -> %s', async (query, expected) => {
    expect(await verdict(query)).toBe(expected);
  });
});
