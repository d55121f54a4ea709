// Benchmark of the service's `detect` (issue 11): an in-process API (apps/api test app: its own
// schema on the test Postgres, no workers, HTTP on a random port) holding one debiased detector of
// K = 1,000 labels, N = 10,000 negatives, d = 512 (detectBenchSetup's, inserted as a row). For both
// paths — graphql_* (the detect mutation, base64 .npy in JSON) and http_* (POST
// /detectors/:id/detect, a binary .npy body) — reports p50_ms, p99_ms, requests_per_s of detect on
// ONE embedding under 20 concurrent connections (autocannon) and images_per_s of detect on 10,000
// embeddings in one request (decode + score + JSON response, wall time at the client), all in one
// run, and the server's CPU ms per single-embedding request (this process: event loop and detector
// thread; the load generator runs in a child process). Goals: p99 <= 10 ms; >= 5,000 images/s.
// `npm run bench -- detect-api [--images 10000 --labels 1000 --negatives 10000 --dim 512 --connections 20 --seconds 10 --iterations 5]`
import { serializeNpy } from '@negmine/formats';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { numberFlags, percentile, report, type BenchFigure } from './bench-report';
import { detectBenchSetup } from './detect.bench';

interface AutocannonResult {
  latency: { p50: number; p99: number; average: number };
  requests: { average: number; total: number };
  errors: number;
  non2xx: number;
  /** CPU the load generator itself used over the run (it shares the machine's cores with the server). */
  clientCpuMs: number;
}

/** What this bench uses of apps/api/test/support/test-app's TestApp. */
interface TestApp {
  readonly server: { readonly url: string };
  readonly services: {
    readonly prisma: {
      detector: { create(args: { data: Record<string, unknown>; select: { id: true } }): Promise<{ id: string }> };
    };
  };
  gql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

interface DetectCount {
  readonly count?: number;
}

/**
 * autocannon in a child process (autocannon-child.js): the server runs in this process, and a load
 * generator on the same event loop would add its own work to every measured latency.
 */
function autocannonChild(options: Record<string, unknown> & { body: string | Buffer }): Promise<AutocannonResult> {
  const { body, ...rest } = options;
  const child = spawn(process.execPath, [path.join(__dirname, 'autocannon-child.js')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdin.once('error', reject);
    child.stdin.end(JSON.stringify({ ...rest, bodyBase64: Buffer.from(body).toString('base64') }));
    // 'close', not 'exit': stdout is read to its end first.
    child.once('close', (code) => {
      if (code === 0) resolve(JSON.parse(output) as AutocannonResult);
      else reject(new Error(`autocannon child exited with code ${code}`));
    });
  });
}

const DETECT =
  'mutation($id: ID!, $npy: String!) { detect(detectorId: $id, input: { embeddings: { npyBase64: $npy } }) { count results { index score isOod predictedLabel predictedProbability } } }';

export async function main(argv: string[]): Promise<void> {
  const flags = numberFlags(argv, {
    images: 10000,
    labels: 1000,
    negatives: 10000,
    dim: 512,
    connections: 20,
    seconds: 10,
    iterations: 5,
  });
  const setup = await detectBenchSetup({
    images: flags.images,
    labels: flags.labels,
    negatives: flags.negatives,
    dim: flags.dim,
    iterations: 1,
    chunkRows: 256,
    threads: 0,
  });
  // The service's own TypeScript registration (it resolves the generated Prisma client's .js imports).
  // Loaded by path at run time (a bench runs the service the way its own e2e specs do, not as a library).
  const api = path.resolve(__dirname, '..', '..', 'apps', 'api');
  (require(path.join(api, 'scripts', 'run')) as { registerTypeScript(): void }).registerTypeScript();
  const { startTestApp } = require(path.join(api, 'test', 'support', 'test-app')) as {
    startTestApp: (overrides: Record<string, unknown>) => Promise<TestApp>;
  };
  const app = await startTestApp({ workerCount: 0, maxDetectBatch: Math.max(10_000, flags.images) });
  try {
    const labels = Array.from({ length: flags.labels }, (_, i) => `label ${i}`);
    const { registerModel } = await app.gql<{ registerModel: { id: string } }>(
      `mutation { registerModel(input: { name: "bench space", importedEmbeddingDim: ${flags.dim} }) { id } }`,
    );
    const { createLabelSet } = await app.gql<{ createLabelSet: { id: string } }>(
      'mutation($labels: [String!]) { createLabelSet(input: { name: "bench", labels: $labels }) { id } }',
      { labels },
    );
    const { manifest, onnxBytes, manifestJson } = setup.detector;
    const row = await app.services.prisma.detector.create({
      data: {
        name: 'bench',
        method: 'debiased',
        params: manifest.params as object,
        threshold: manifest.threshold,
        targetTpr: manifest.targetTpr,
        achievedTpr: manifest.achievedTpr,
        embeddingDim: flags.dim,
        modelId: registerModel.id,
        modelHash: 'bench',
        labelSetId: createLabelSet.id,
        labels,
        negativeCount: flags.negatives,
        onnx: onnxBytes as Uint8Array<ArrayBuffer>,
        onnxSha256: manifest.onnxSha256,
        manifestJson,
        codeVersion: 'bench',
      },
      select: { id: true },
    });
    const npy = (rows: number) =>
      Buffer.from(serializeNpy(setup.images.data.subarray(0, rows * flags.dim), [rows, flags.dim], 'float32'));
    const paths: Record<'graphql' | 'http', { url: string; type: string; body: (rows: number) => string | Buffer }> = {
      graphql: {
        url: app.server.url,
        type: 'application/json',
        body: (rows) => JSON.stringify({ query: DETECT, variables: { id: row.id, npy: npy(rows).toString('base64') } }),
      },
      http: {
        url: new URL(`/detectors/${row.id}/detect`, app.server.url).href,
        type: 'application/x-npy',
        body: npy,
      },
    };
    const figures: BenchFigure[] = [];
    const params: Record<string, unknown> = {};
    for (const [name, target] of Object.entries(paths)) {
      const options = {
        url: target.url,
        method: 'POST',
        headers: { 'content-type': target.type },
        body: target.body(1),
        connections: flags.connections,
      };
      await autocannonChild({ ...options, duration: 2 });
      // CPU of this process (the API's event loop and the detector thread) per request: a figure the
      // machine's other load disturbs less than latency.
      const cpuBefore = process.cpuUsage();
      const single = await autocannonChild({ ...options, duration: flags.seconds });
      const cpu = process.cpuUsage(cpuBefore);
      const batch = target.body(flags.images);
      const batchMs: number[] = [];
      for (let i = 0; i <= flags.iterations; i++) {
        const start = performance.now();
        const response = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': target.type },
          body: typeof batch === 'string' ? batch : new Uint8Array(batch),
        });
        const body = (await response.json()) as { data?: { detect: DetectCount }; errors?: unknown[] } & DetectCount;
        const count = name === 'graphql' ? body.data?.detect.count : body.count;
        if (count !== flags.images)
          throw new Error(`${name} batch detect failed: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
        if (i > 0) batchMs.push(performance.now() - start);
      }
      const sorted = [...batchMs].sort((a, b) => a - b);
      params[`${name}_errors`] = single.errors;
      params[`${name}_non2xx`] = single.non2xx;
      params[`${name}_batchMs`] = batchMs;
      params[`${name}_batchRequestMb`] = batch.length / (1024 * 1024);
      figures.push(
        { metric: `${name}_p50_ms`, value: single.latency.p50, unit: 'ms' },
        { metric: `${name}_p99_ms`, value: single.latency.p99, unit: 'ms' },
        { metric: `${name}_requests_per_s`, value: single.requests.average, unit: 'requests/s' },
        {
          metric: `${name}_server_cpu_ms_per_request`,
          value: (cpu.user + cpu.system) / 1000 / Math.max(1, single.requests.total),
          unit: 'ms',
        },
        {
          metric: `${name}_client_cpu_ms_per_request`,
          value: single.clientCpuMs / Math.max(1, single.requests.total),
          unit: 'ms',
        },
        { metric: `${name}_images_per_s`, value: flags.images / (percentile(sorted, 50) / 1000), unit: 'images/s' },
      );
    }
    report(
      'detect-api',
      { method: 'debiased', ...flags, part: 'api', ...params, rate: 'median of the batch requests' },
      figures,
    );
  } finally {
    await app.stop();
  }
}
