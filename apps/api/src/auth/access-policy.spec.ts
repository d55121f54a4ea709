// The field-role mechanism on a small schema (enforcement, completeness checks), and the real
// schema against API_ACCESS_POLICY: this is the test that fails on any field without a role.
import 'reflect-metadata';
import { buildSchema, graphql, type GraphQLSchema } from 'graphql';
import { buildApiSchema } from '../schema';
import { enforceAccessPolicy, undeclaredFields, unknownDeclarations, type AccessPolicy } from './access-policy';
import { API_ACCESS_POLICY } from './api-access-policy';
import { OPEN_CALLER, type Caller } from './caller';

const SDL = `
  type Item { id: ID! secret: String }
  type Query { items: [Item!]! }
  type Mutation { addItem: Item! dropAll: Int! }
`;

const POLICY: AccessPolicy = {
  'Query.items': 'viewer',
  'Mutation.addItem': 'operator',
  'Mutation.dropAll': 'admin',
  'Item.*': 'viewer',
  'Item.secret': 'admin',
};

function smallSchema(): GraphQLSchema {
  const schema = buildSchema(SDL);
  schema.getQueryType()!.getFields()['items']!.resolve = () => [{ id: '1', secret: 's' }];
  schema.getMutationType()!.getFields()['addItem']!.resolve = () => ({ id: '2', secret: 't' });
  schema.getMutationType()!.getFields()['dropAll']!.resolve = () => 3;
  return schema;
}

function key(role: 'viewer' | 'operator' | 'admin'): Caller {
  return { kind: 'key', keyId: role, name: role, role };
}

async function run(schema: GraphQLSchema, source: string, caller: Caller | undefined) {
  const result = await graphql({ schema, source, contextValue: { caller } });
  return { data: result.data, codes: (result.errors ?? []).map((error) => error.extensions['code']) };
}

describe('access policy enforcement', () => {
  const schema = enforceAccessPolicy(smallSchema(), POLICY, (context: { caller?: Caller }) => context.caller);

  it('lets each role do what its role allows, and the open-mode caller everything', async () => {
    expect(await run(schema, '{ items { id } }', key('viewer'))).toEqual({ data: { items: [{ id: '1' }] }, codes: [] });
    expect((await run(schema, 'mutation { addItem { id } }', key('viewer'))).codes).toEqual(['FORBIDDEN']);
    expect(await run(schema, 'mutation { addItem { id } }', key('operator'))).toEqual({
      data: { addItem: { id: '2' } },
      codes: [],
    });
    expect((await run(schema, 'mutation { dropAll }', key('operator'))).codes).toEqual(['FORBIDDEN']);
    expect((await run(schema, 'mutation { dropAll }', key('admin'))).data).toEqual({ dropAll: 3 });
    expect((await run(schema, 'mutation { dropAll }', OPEN_CALLER)).data).toEqual({ dropAll: 3 });
  });

  it('guards fields of object types too (a field-level exception to the type default)', async () => {
    const viewer = await run(schema, '{ items { id secret } }', key('viewer'));
    expect(viewer.codes).toEqual(['FORBIDDEN']);
    expect((await run(schema, '{ items { id secret } }', key('admin'))).data).toEqual({
      items: [{ id: '1', secret: 's' }],
    });
  });

  it('fails closed when the context carries no caller (the context factory did not authenticate)', async () => {
    const result = await graphql({ schema, source: 'mutation { addItem { id } }', contextValue: {} });
    expect(result.errors?.[0]?.message).toMatch(/no caller in the GraphQL context/);
  });
});

describe('access policy completeness', () => {
  it('lists fields without a role; root fields need their own entry, wildcards do not cover them', () => {
    const { 'Mutation.dropAll': _dropped, ...withoutDropAll } = POLICY;
    expect(undeclaredFields(smallSchema(), withoutDropAll)).toEqual(['Mutation.dropAll']);
    expect(undeclaredFields(smallSchema(), { ...withoutDropAll, 'Mutation.*': 'admin' })).toEqual(['Mutation.dropAll']);
    expect(
      unknownDeclarations(smallSchema(), {
        ...POLICY,
        'Mutation.*': 'admin',
        'Query.gone': 'viewer',
        'Ghost.*': 'viewer',
      }),
    ).toEqual(['Mutation.*', 'Query.gone', 'Ghost.*']);
    expect(() => enforceAccessPolicy(smallSchema(), withoutDropAll, () => OPEN_CALLER)).toThrow(
      /declares no role for: Mutation.dropAll/,
    );
  });

  it('the service schema: every field has a role in API_ACCESS_POLICY, and the policy names no field that is gone', async () => {
    const schema = await buildApiSchema();
    expect(undeclaredFields(schema, API_ACCESS_POLICY)).toEqual([]);
    expect(unknownDeclarations(schema, API_ACCESS_POLICY)).toEqual([]);
  });
});
