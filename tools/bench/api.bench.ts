// GraphQL API latency under load (autocannon): p50/p99 latency, requests per second and errors for
// negatives(first: 100) and evaluationRuns(first: 50) at 50 concurrent connections, the negatives
// page both as clients ask it (replayed from the immutable response cache after the first answer)
// and with a distinct unused variable per request (every request a miss: parse, validate, execute,
// store), so the cache's effect shows in one run. Starts the
// service as a child process (`apps/api/scripts/run.js main`) on an embedded Postgres in a temporary
// folder, seeds an imported embedding space, one mining run and the evaluation runs over HTTP.
import { numberFlags, report } from './bench-report';
import {
  benchDataDir,
  Client,
  freePort,
  launchEvaluation,
  seedImportedSpace,
  startService,
  stopService,
  type Autocannon,
} from './bench-service';

export async function main(argv: string[]): Promise<void> {
  const flags = numberFlags(argv, { connections: 50, seconds: 10, candidates: 4000, dim: 64, runs: 60 });
  const autocannon = require('autocannon') as Autocannon;
  const dataDir = benchDataDir();
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  try {
    const port = await freePort();
    service = await startService(dataDir, port, await freePort());
    const client = new Client(`http://127.0.0.1:${port}/graphql`);
    const space = await seedImportedSpace(client, flags);
    const runIds: string[] = [];
    for (let i = 0; i < flags.runs; i++)
      runIds.push(
        await launchEvaluation(client, space, i % 2 === 0 ? 'mcm' : 'neglabel', i % 2 === 0 ? {} : { groups: 10 }),
      );
    for (const id of runIds) await client.waitFor(id);
    const negatives = `{ negatives(miningRunId: "${space.miningRunId}", first: 100) { totalCount edges { cursor node { rank word pos lexname statistic flagged falseNegativeFlags nearestIdLabel nearestIdCosine } } pageInfo { hasNextPage endCursor } } }`;
    const queries: Record<string, string> = {
      'negatives(first: 100)': negatives,
      'negatives(first: 100), every request distinct (cache misses)': negatives,
      'evaluationRuns(first: 50)': `{ evaluationRuns(first: 50) { totalCount edges { node { id method status progress createdAt labelSet { name } model { name } results { oodImageSetId fprAtTprId auroc auprIn auprOut } } } pageInfo { hasNextPage endCursor } } }`,
    };
    for (const [name, query] of Object.entries(queries)) {
      // Every figure is for a query that answers correctly, so errors count only real failures under load.
      await client.gql(query);
      const body = JSON.stringify({ query });
      let nonce = 0;
      const distinct = name.includes('cache misses');
      const options = {
        url: client.url,
        method: 'POST',
        headers: client.headers,
        body,
        connections: flags.connections,
        // graphql-js ignores variables the operation does not declare; the cache key does not.
        ...(distinct
          ? {
              requests: [
                {
                  setupRequest: (request: Record<string, unknown>) => ({
                    ...request,
                    body: JSON.stringify({ query, variables: { nonce: nonce++ } }),
                  }),
                },
              ],
            }
          : {}),
      };
      await autocannon({ ...options, duration: 2 });
      const result = await autocannon({ ...options, duration: flags.seconds });
      report(
        'api',
        {
          query: name,
          connections: flags.connections,
          seconds: flags.seconds,
          candidates: flags.candidates,
          evaluationRuns: flags.runs,
          dim: flags.dim,
        },
        [
          { metric: 'p50_ms', value: result.latency.p50, unit: 'ms' },
          { metric: 'p99_ms', value: result.latency.p99, unit: 'ms' },
          { metric: 'requests_per_s', value: result.requests.average, unit: 'req/s' },
          { metric: 'errors', value: result.errors + result.timeouts + result.non2xx, unit: 'count' },
        ],
      );
    }
  } finally {
    await stopService(service, dataDir);
  }
}
