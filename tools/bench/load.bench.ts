// Mixed read load through the API's auth while an evaluation runs (issue 14): 200 connections for
// 60 s cycle through negatives pages, run lists, run details with results (ROC points and
// histograms) and mining runs, every request with a viewer's API key (the seed and launches use an admin's). Meanwhile a debiased
// evaluation runs on the in-process worker; its results are compared with the same evaluation run
// undisturbed before the load. Reports requests/s, p50/p99, errors and non-2xx, both evaluation
// durations and whether their results are identical. Goals: 0 errors, p99 <= 200 ms, identical results.
// `npm run bench -- load [--connections 200 --seconds 60 --candidates 20000 --dim 256 --images 20000 --runs 30]`
import { numberFlags, report } from './bench-report';
import {
  benchDataDir,
  Client,
  createApiKey,
  freePort,
  launchEvaluation,
  seedImportedSpace,
  startService,
  stopService,
  type Autocannon,
} from './bench-service';

const RESULTS = `query($id: ID!) { evaluationRun(id: $id) { status startedAt finishedAt meanMetrics { fprAtTprId auroc } results { oodImageSetId fprAtTprId fprAtTprOod auroc auprIn auprOut thresholdAtTprId guardHits } } }`;

interface RunResults {
  evaluationRun: { startedAt: string; finishedAt: string; results: unknown[]; meanMetrics: unknown };
}

async function timedEvaluation(
  client: Client,
  launch: () => Promise<string>,
): Promise<{ seconds: number; results: string }> {
  const id = await launch();
  await client.waitFor(id);
  const { evaluationRun } = await client.gql<RunResults>(RESULTS, { id });
  return {
    seconds: (Date.parse(evaluationRun.finishedAt) - Date.parse(evaluationRun.startedAt)) / 1000,
    results: JSON.stringify({ results: evaluationRun.results, mean: evaluationRun.meanMetrics }),
  };
}

export async function main(argv: string[]): Promise<void> {
  const flags = numberFlags(argv, {
    connections: 200,
    seconds: 60,
    candidates: 20000,
    dim: 256,
    labels: 100,
    images: 20000,
    runs: 30,
  });
  const autocannon = require('autocannon') as Autocannon;
  const dataDir = benchDataDir();
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  try {
    const pgPort = await freePort();
    const adminKey = createApiKey(dataDir, pgPort, 'admin');
    const viewerKey = createApiKey(dataDir, pgPort, 'viewer');
    const port = await freePort();
    // The per-key limit is lifted: this measures the service, not the limiter.
    service = await startService(dataDir, port, pgPort, { NEGMINE_RATE_LIMIT: '100000000' });
    const client = new Client(`http://127.0.0.1:${port}/graphql`, adminKey);
    const reader = new Client(client.url, viewerKey);
    const space = await seedImportedSpace(client, flags);
    const listed: string[] = [];
    for (let i = 0; i < flags.runs; i++) listed.push(await launchEvaluation(client, space, 'mcm', {}));
    for (const id of listed) await client.waitFor(id);
    const evaluate = () => launchEvaluation(client, space, 'debiased', { groups: 10 });
    const undisturbed = await timedEvaluation(client, evaluate);

    const negatives = `{ negatives(miningRunId: "${space.miningRunId}", first: 100) { totalCount edges { cursor node { rank word pos lexname statistic flagged falseNegativeFlags nearestIdLabel nearestIdCosine } } pageInfo { hasNextPage endCursor } } }`;
    const searched = `{ negatives(miningRunId: "${space.miningRunId}", first: 100, filter: { search: "candidate1" }) { totalCount edges { node { rank word statistic } } } }`;
    const runList = `{ evaluationRuns(first: 50) { totalCount edges { node { id method status progress createdAt labelSet { name } model { name } results { oodImageSetId fprAtTprId auroc auprIn auprOut } } } pageInfo { hasNextPage endCursor } } }`;
    const runDetail = `{ evaluationRun(id: "${listed[0]}") { id method params status results { fprAtTprId fprAtTprOod auroc auprIn auprOut rocPoints { fpr tpr } histograms { edges idCounts oodCounts } } } }`;
    const miningRuns = `{ miningRuns(first: 20) { totalCount edges { node { id status selectionMethod negativeCount } } } }`;
    const requests = [negatives, searched, runList, runDetail, miningRuns].map((query) => ({
      method: 'POST',
      body: JSON.stringify({ query }),
    }));
    // Every request answers correctly before the load, so errors count only failures under load.
    for (const request of requests) await reader.gql((JSON.parse(request.body) as { query: string }).query);

    const load = autocannon({
      url: reader.url,
      method: 'POST',
      headers: reader.headers,
      requests,
      connections: flags.connections,
      duration: flags.seconds,
    });
    const underLoad = await timedEvaluation(client, evaluate);
    const result = await load;
    report(
      'load',
      {
        connections: flags.connections,
        seconds: flags.seconds,
        candidates: flags.candidates,
        dim: flags.dim,
        images: flags.images,
        evaluationRuns: flags.runs + 2,
        mix: 'negatives page, negatives search, evaluationRuns(first: 50), evaluationRun with ROC and histograms, miningRuns',
      },
      [
        { metric: 'requests_per_s', value: result.requests.average, unit: 'req/s' },
        { metric: 'p50_ms', value: result.latency.p50, unit: 'ms' },
        { metric: 'p99_ms', value: result.latency.p99, unit: 'ms' },
        { metric: 'errors', value: result.errors + result.timeouts, unit: 'count' },
        { metric: 'non_2xx', value: result.non2xx, unit: 'count' },
        { metric: 'evaluation_s_undisturbed', value: undisturbed.seconds, unit: 's' },
        { metric: 'evaluation_s_under_load', value: underLoad.seconds, unit: 's' },
        { metric: 'results_identical', value: undisturbed.results === underLoad.results ? 1 : 0, unit: 'bool' },
      ],
    );
  } finally {
    await stopService(service, dataDir);
  }
}
