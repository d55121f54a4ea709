// Label-set and model operations through the built schema (executeOperation), including the error
// codes a client sees: validation (BAD_USER_INPUT), NOT_FOUND, CONFLICT, and masking of the rest.
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { graphqlClient, type GraphqlClient } from '../support/graphql';
import { testServices } from '../support/test-services';

describe('label sets and models over GraphQL', () => {
  let db: TestDatabase;
  let client: GraphqlClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = await graphqlClient(testServices(db.prisma));
  });

  afterAll(async () => {
    await client?.stop();
    await db?.drop();
  });

  it('creates a label set from text and lists it with its label count', async () => {
    const created = await client.data<{ createLabelSet: { id: string; labels: string[]; labelCount: number } }>(
      `mutation($input: CreateLabelSetInput!) { createLabelSet(input: $input) { id labels labelCount } }`,
      { input: { name: 'pets', labelsText: 'cat\ndog\n' } },
    );
    expect(created.createLabelSet).toMatchObject({ labels: ['cat', 'dog'], labelCount: 2 });
    const listed = await client.data<{ labelSets: { name: string }[] }>('{ labelSets { name labelCount } }');
    expect(listed.labelSets.map((s) => s.name)).toContain('pets');
  });

  it('rejects invalid input with BAD_USER_INPUT (class-validator is on)', async () => {
    const result = await client.exec(`mutation { createLabelSet(input: { name: "", labels: ["a"] }) { id } }`);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('reports NOT_FOUND and CONFLICT codes with actionable messages', async () => {
    const missing = await client.exec(`{ labelSet(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(missing.errors?.[0]).toMatchObject({
      extensions: { code: 'NOT_FOUND' },
      message: expect.stringMatching(/does not exist/),
    });
    const duplicate = await client.exec(`mutation { createLabelSet(input: { name: "pets", labels: ["x"] }) { id } }`);
    expect(duplicate.errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT' },
      message: expect.stringMatching(/already exists/),
    });
  });

  it('registers an imported embedding space and refuses a model without a source', async () => {
    const registered = await client.data<{
      registerModel: { kind: string; embeddingDim: number; contentHash: string };
    }>(
      `mutation { registerModel(input: { name: "space", importedEmbeddingDim: 8, backbone: vit_b16 }) { kind embeddingDim contentHash } }`,
    );
    expect(registered.registerModel).toMatchObject({ kind: 'imported_space', embeddingDim: 8 });
    expect(registered.registerModel.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const neither = await client.exec(`mutation { registerModel(input: { name: "nothing" }) { id } }`);
    expect(neither.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('refuses a model folder outside the allowed roots with FORBIDDEN', async () => {
    const result = await client.exec(`mutation { registerModel(input: { name: "etc", folder: "/etc" }) { id } }`);
    expect(result.errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN' },
      message: expect.stringMatching(/outside the allowed roots/),
    });
  });

  it('enforces the maximum page size', async () => {
    const result = await client.exec(`{ evaluationRuns(first: 501) { totalCount } }`);
    expect(result.errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
      message: expect.stringMatching(/at most 500/),
    });
  });

  it('masks unexpected errors as INTERNAL_SERVER_ERROR', async () => {
    const result = await client.exec(
      `{ negatives(miningRunId: "00000000-0000-4000-8000-000000000000", first: 5, after: "not-a-cursor") { totalCount } }`,
    );
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    await db.prisma.$executeRawUnsafe(
      `ALTER TABLE "${db.connection.schema}".label_sets RENAME COLUMN labels TO labels_renamed`,
    );
    try {
      const broken = await client.exec('{ labelSets { id } }');
      expect(broken.errors?.[0]).toMatchObject({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
    } finally {
      await db.prisma.$executeRawUnsafe(
        `ALTER TABLE "${db.connection.schema}".label_sets RENAME COLUMN labels_renamed TO labels`,
      );
    }
  });
});
