// The service as a benchmark meets it: a child process (`apps/api/scripts/run.js main`) on an
// embedded Postgres in a temporary folder, a GraphQL client (with an API key when one is given),
// and a seeded imported embedding space (label set, corpus, ID and OOD image sets, one mining run).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serializeNpy } from '@negmine/formats';

const ROOT = path.resolve(__dirname, '..', '..');

export interface AutocannonResult {
  latency: { p50: number; p99: number; average: number };
  requests: { average: number; total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

export type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

export async function freePort(): Promise<number> {
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
export function vectors(rows: number, dim: number, seed: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < dim; j++)
      out[i * dim + j] = Math.sin(seed * 7.1 + i * 1.37 + j * 0.71) + (j === i % dim ? 1.5 : 0);
  return out;
}

export function npyBase64(data: Float32Array, rows: number, dim: number): string {
  return Buffer.from(serializeNpy(data, [rows, dim])).toString('base64');
}

export class Client {
  constructor(
    readonly url: string,
    readonly key?: string,
  ) {}

  get headers(): Record<string, string> {
    return {
      'content-type': 'application/json',
      ...(this.key === undefined ? {} : { authorization: `Bearer ${this.key}` }),
    };
  }

  async gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: this.headers,
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

/** A temporary data folder the embedded server (run as `postgres` when root) can enter. */
export function benchDataDir(): string {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'negmine-bench-'));
  chmodSync(dataDir, 0o755);
  return dataDir;
}

function serviceEnv(dataDir: string, pgPort: number, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: '',
    NEGMINE_DATA_DIR: dataDir,
    NEGMINE_PG_DIR: path.join(dataDir, 'pg'),
    NEGMINE_EMBEDDED_PG_PORT: String(pgPort),
    NEGMINE_SEED_DEMO: 'false',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** Creates an API key in the data folder's database with `npm run keys` (before the service starts). */
export function createApiKey(dataDir: string, pgPort: number, role: string): string {
  const result = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'apps', 'api', 'scripts', 'run-script.js'),
      path.join(ROOT, 'apps', 'api', 'scripts', 'keys.ts'),
      'create',
      '--role',
      role,
      '--name',
      `bench ${role}`,
    ],
    { env: serviceEnv(dataDir, pgPort, {}), encoding: 'utf8' },
  );
  const key = /nmk_[0-9a-f]{24}_[A-Za-z0-9_-]{43}/.exec(result.stdout)?.[0];
  if (result.status !== 0 || key === undefined)
    throw new Error(`npm run keys -- create failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return key;
}

export async function startService(
  dataDir: string,
  port: number,
  pgPort: number,
  extra: Record<string, string> = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'apps', 'api', 'scripts', 'run.js'), 'main'], {
    env: serviceEnv(dataDir, pgPort, { PORT: String(port), NEGMINE_WORKERS: '1', ...extra }),
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

/** SIGTERM and wait for the exit, then remove the data folder. */
export async function stopService(service: ChildProcess | undefined, dataDir: string): Promise<void> {
  if (service !== undefined && service.exitCode === null) {
    const exited = new Promise((resolve) => service.once('exit', resolve));
    service.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
}

export interface SeededSpace {
  readonly modelId: string;
  readonly labelSetId: string;
  readonly idImageSetId: string;
  readonly oodImageSetId: string;
  readonly miningRunId: string;
}

/** An imported space of `labels` labels, `candidates` corpus rows and `images` ID and OOD rows, mined once. */
export async function seedImportedSpace(
  client: Client,
  sizes: { candidates: number; dim: number; labels?: number; images?: number },
): Promise<SeededSpace> {
  const { dim, candidates } = sizes;
  const labelCount = sizes.labels ?? 10;
  const images = sizes.images ?? 200;
  const { registerModel } = await client.gql<{ registerModel: { id: string } }>(
    'mutation($d: Int!) { registerModel(input: { name: "bench space", importedEmbeddingDim: $d }) { id } }',
    { d: dim },
  );
  const labels = Array.from({ length: labelCount }, (_, i) => `label${i}`);
  const { createLabelSet } = await client.gql<{ createLabelSet: { id: string } }>(
    'mutation($l: [String!]) { createLabelSet(input: { name: "bench", labels: $l }) { id } }',
    { l: labels },
  );
  const importNpy = (input: Record<string, unknown>) =>
    client.gql<{ importEmbeddings: { corpusId: string | null; imageSetId: string | null } }>(
      'mutation($input: ImportEmbeddingsInput!) { importEmbeddings(input: $input) { corpusId imageSetId } }',
      { input: { modelId: registerModel.id, ...input } },
    );
  await importNpy({
    target: 'label_names',
    labelSetId: createLabelSet.id,
    npyBase64: npyBase64(vectors(labelCount, dim, 1), labelCount, dim),
  });
  const corpus = await importNpy({
    target: 'corpus',
    corpusEntries: Array.from({ length: candidates }, (_, i) => ({
      word: `candidate${i}`,
      pos: i < 0.8 * candidates ? 'noun' : 'adj',
      lexname: 'noun.artifact',
    })),
    npyBase64: npyBase64(vectors(candidates, dim, 2), candidates, dim),
  });
  const idSet = await importNpy({
    target: 'image_set',
    imageSetName: 'bench id',
    npyBase64: npyBase64(vectors(images, dim, 3), images, dim),
  });
  const oodSet = await importNpy({
    target: 'image_set',
    imageSetName: 'bench ood',
    npyBase64: npyBase64(vectors(images, dim, 4), images, dim),
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
  return {
    modelId: registerModel.id,
    labelSetId: createLabelSet.id,
    idImageSetId: idSet.importEmbeddings.imageSetId!,
    oodImageSetId: oodSet.importEmbeddings.imageSetId!,
    miningRunId: mineNegatives.id,
  };
}

/** Launches an evaluation of the seeded space; returns its id. */
export async function launchEvaluation(
  client: Client,
  space: SeededSpace,
  method: string,
  params: Record<string, unknown>,
): Promise<string> {
  const { launchEvaluation: run } = await client.gql<{ launchEvaluation: { id: string } }>(
    'mutation($input: LaunchEvaluationInput!) { launchEvaluation(input: $input) { id } }',
    {
      input: {
        miningRunId: space.miningRunId,
        method,
        params,
        idImageSetId: space.idImageSetId,
        oodImageSetIds: [space.oodImageSetId],
      },
    },
  );
  return run.id;
}
