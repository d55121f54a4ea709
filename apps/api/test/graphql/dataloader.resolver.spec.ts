// No N+1: nested fields of a list (label set, model, results, negative counts) are batched per
// request by DataLoader, so the number of database operations does not grow with the page size.
import type { PrismaClient } from '../../src/db/prisma.service';
import { SelectionMethod, ScoringMethod } from '../../src/shared/enums';
import { createImportedSpace } from '../support/imported-space';
import { graphqlClient, type GraphqlClient } from '../support/graphql';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { RecordingQueue, testServices } from '../support/test-services';

describe('DataLoader batching', () => {
  let db: TestDatabase;
  let client: GraphqlClient;
  let operations = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    const counted = db.prisma.$extends({
      query: {
        $allModels: {
          $allOperations({ args, query }) {
            operations += 1;
            return query(args);
          },
        },
      },
    }) as unknown as PrismaClient;
    const services = testServices(counted, new RecordingQueue());
    const space = await createImportedSpace(services, 'loader');
    const mining = await services.mining.mineNegatives({
      labelSetId: space.labelSetId,
      modelId: space.modelId,
      corpusId: space.corpusId,
      selectionMethod: SelectionMethod.neglabel,
    });
    for (let i = 0; i < 12; i++) {
      await services.evaluations.launch({
        labelSetId: space.labelSetId,
        modelId: space.modelId,
        method: ScoringMethod.mcm,
        idImageSetId: space.idSetId,
        oodImageSetIds: [space.oodSetId],
      });
    }
    expect(mining.id).toBeDefined();
    client = await graphqlClient(services);
  }, 60_000);

  afterAll(async () => {
    await client?.stop();
    await db?.drop();
  });

  const count = async (query: string) => {
    operations = 0;
    await client.data(query);
    return operations;
  };

  it('reads a page of runs with their label set, model, image sets and results in a constant number of operations', async () => {
    const query = (first: number) =>
      `{ evaluationRuns(first: ${first}) { edges { node { id labelSet { name } model { name } idImageSet { name } oodImageSets { name } results { auroc } } } } miningRuns(first: ${first}) { edges { node { negativeCount labelSet { name } corpus { entryCount } } } } }`;
    const small = await count(query(2));
    const large = await count(query(12));
    // Not equal: model rows are cached across requests, so the second query may need fewer.
    expect(large).toBeLessThanOrEqual(small);
    expect(large).toBeLessThanOrEqual(12);
  });
});
