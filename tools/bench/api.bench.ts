// GraphQL API latency under load (autocannon): p50/p99 latency, requests per second and errors for
// negatives(first: 100) and evaluationRuns(first: 50) at 50 concurrent connections. Starts the
// service as a child process (`apps/api/scripts/run.js main`) on an embedded Postgres in a temporary
// folder, seeds an imported embedding space, one mining run and the evaluation runs over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serializeNpy } from '@negmine/formats';
import { numberFlags, report } from './bench-report';

interface AutocannonResult {
  latency: { p50: number; p99: number; average: number };
  requests: { average: number; total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

const ROOT = path.resolve(__dirname, '..', '..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Deterministic pseudo-embeddings (a smooth function of row, column and seed). */
function vectors(rows: number, dim: number, seed: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < dim; j++)
      out[i * dim + j] = Math.sin(seed * 7.1 + i * 1.37 + j * 0.71) + (j === i % dim ? 1.5 : 0);
  return out;
}

function npy(data: Float32Array, rows: number, dim: number): string {
  return Buffer.from(serializeNpy(data, [rows, dim])).toString('base64');
}

class Client {
  constructor(readonly url: string) {}

  async gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (body.errors !== undefined) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data as T;
  }

  async waitFor(runId: string): Promise<void> {
    for (;;) {
      const { runStatus } = await this.gql<{ runStatus: { status: string; error: string | null } }>(
        'query($id: ID!) { runStatus(runId: $id) { status error } }',
        { id: runId },
      );
      if (runStatus.status === 'succeeded') return;
      if (runStatus.status === 'failed' || runStatus.status === 'cancelled')
        throw new Error(`run ${runId} ${runStatus.status}: ${runStatus.error ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function startService(dataDir: string, port: number, pgPort: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'apps', 'api', 'scripts', 'run.js'), 'main'], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      PORT: String(port),
      NEGMINE_DATA_DIR: dataDir,
      NEGMINE_PG_DIR: path.join(dataDir, 'pg'),
      NEGMINE_EMBEDDED_PG_PORT: String(pgPort),
      NEGMINE_SEED_DEMO: 'false',
      NEGMINE_WORKERS: '1',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('negmine API ready')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`the service exited (${code ?? 'signal'}) before it was ready:\n${stderr}`)),
    );
  });
  return child;
}

async function seed(client: Client, sizes: { candidates: number; dim: number; runs: number }): Promise<string> {
  const { dim, candidates } = sizes;
  const { registerModel } = await client.gql<{ registerModel: { id: string } }>(
    'mutation($d: Int!) { registerModel(input: { name: "bench space", importedEmbeddingDim: $d }) { id } }',
    {
      d: dim,
    },
  );
  const labels = Array.from({ length: 10 }, (_, i) => `label${i}`);
  const { createLabelSet } = await client.gql<{ createLabelSet: { id: string } }>(
    'mutation($l: [String!]) { createLabelSet(input: { name: "bench", labels: $l }) { id } }',
    {
      l: labels,
    },
  );
  const importNpy = (input: Record<string, unknown>) =>
    client.gql<{ importEmbeddings: { corpusId: string | null; imageSetId: string | null } }>(
      'mutation($input: ImportEmbeddingsInput!) { importEmbeddings(input: $input) { corpusId imageSetId } }',
      { input: { modelId: registerModel.id, ...input } },
    );
  await importNpy({
    target: 'label_names',
    labelSetId: createLabelSet.id,
    npyBase64: npy(vectors(10, dim, 1), 10, dim),
  });
  const corpus = await importNpy({
    target: 'corpus',
    corpusEntries: Array.from({ length: candidates }, (_, i) => ({
      word: `candidate${i}`,
      pos: i < 0.8 * candidates ? 'noun' : 'adj',
      lexname: 'noun.artifact',
    })),
    npyBase64: npy(vectors(candidates, dim, 2), candidates, dim),
  });
  const idSet = await importNpy({
    target: 'image_set',
    imageSetName: 'bench id',
    npyBase64: npy(vectors(200, dim, 3), 200, dim),
  });
  const oodSet = await importNpy({
    target: 'image_set',
    imageSetName: 'bench ood',
    npyBase64: npy(vectors(200, dim, 4), 200, dim),
  });
  const { mineNegatives } = await client.gql<{ mineNegatives: { id: string } }>(
    'mutation($input: MineNegativesInput!) { mineNegatives(input: $input) { id } }',
    {
      input: {
        labelSetId: createLabelSet.id,
        modelId: registerModel.id,
        corpusId: corpus.importEmbeddings.corpusId,
        selectionMethod: 'neglabel',
        params: { keepNoun: 0.5, keepAdj: 0.5 },
      },
    },
  );
  await client.waitFor(mineNegatives.id);
  const runIds: string[] = [];
  for (let i = 0; i < sizes.runs; i++) {
    const { launchEvaluation } = await client.gql<{ launchEvaluation: { id: string } }>(
      'mutation($input: LaunchEvaluationInput!) { launchEvaluation(input: $input) { id } }',
      {
        input: {
          miningRunId: mineNegatives.id,
          method: i % 2 === 0 ? 'mcm' : 'neglabel',
          params: i % 2 === 0 ? {} : { groups: 10 },
          idImageSetId: idSet.importEmbeddings.imageSetId,
          oodImageSetIds: [oodSet.importEmbeddings.imageSetId],
        },
      },
    );
    runIds.push(launchEvaluation.id);
  }
  for (const id of runIds) await client.waitFor(id);
  return mineNegatives.id;
}

export async function main(argv: string[]): Promise<void> {
  const flags = numberFlags(argv, { connections: 50, seconds: 10, candidates: 4000, dim: 64, runs: 60 });
  const autocannon = require('autocannon') as Autocannon;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'negmine-bench-'));
  // As root the embedded server runs as the OS user `postgres`, which must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  let service: ChildProcess | undefined;
  try {
    const port = await freePort();
    service = await startService(dataDir, port, await freePort());
    const client = new Client(`http://127.0.0.1:${port}/graphql`);
    const miningRunId = await seed(client, flags);
    const queries: Record<string, string> = {
      'negatives(first: 100)': `{ negatives(miningRunId: "${miningRunId}", first: 100) { totalCount edges { cursor node { rank word pos lexname statistic flagged falseNegativeFlags nearestIdLabel nearestIdCosine } } pageInfo { hasNextPage endCursor } } }`,
      'evaluationRuns(first: 50)': `{ evaluationRuns(first: 50) { totalCount edges { node { id method status progress createdAt labelSet { name } model { name } results { oodImageSetId fprAtTprId auroc auprIn auprOut } } } pageInfo { hasNextPage endCursor } } }`,
    };
    for (const [name, query] of Object.entries(queries)) {
      // Every figure is for a query that answers correctly, so errors count only real failures under load.
      await client.gql(query);
      const body = JSON.stringify({ query });
      await autocannon({
        url: client.url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections: flags.connections,
        duration: 2,
      });
      const result = await autocannon({
        url: client.url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections: flags.connections,
        duration: flags.seconds,
      });
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
    if (service !== undefined && service.exitCode === null) {
      const exited = new Promise((resolve) => service!.once('exit', resolve));
      service.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
