// Benchmark of the OOD scoring methods: images/s, achieved GFLOP/s of the scoring run against this
// machine's plain MatMul rate measured in the same run, and peak RSS.
// `npm run bench -- score [--images 20000 --labels 1000 --negatives 12000 --dim 512 --method debiased]`
// TANL: `npm run bench -- score --method tanl [--corpus 57567]`: K = 1000 negatives mined per batch
// from the whole corpus (C = --corpus); the baseline MatMul is the same chunks against K + C columns.
import {
  isScoringMethodId,
  MatmulKernel,
  scoringMethod,
  SCORING_METHOD_IDS,
  SeededRandom,
  seededPermutation,
  type EmbeddingMatrix,
  type MethodInputs,
  type ScoringMethodId,
} from '@negmine/mining';
import { numberFlags, percentile, report, trackPeakRss } from './bench-report';

/** Splits `--method NAME` (a string flag) from the numeric flags that numberFlags parses. */
function takeMethod(argv: readonly string[]): { method: ScoringMethodId; rest: string[] } {
  const rest = [...argv];
  let method = 'debiased';
  const at = rest.findIndex((a) => a === '--method' || a.startsWith('--method='));
  if (at >= 0) {
    const flag = rest[at]!;
    const value = flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : rest[at + 1];
    rest.splice(at, flag.includes('=') ? 1 : 2);
    if (value === undefined) throw new Error('--method needs a value');
    method = value;
  }
  if (!isScoringMethodId(method))
    throw new Error(`--method must be one of ${SCORING_METHOD_IDS.join(', ')}; got '${method}'`);
  return { method, rest };
}

/** Gaussian-free synthetic embeddings: uniform in [-1, 1), normalised inside the methods. */
function randomMatrix(rows: number, cols: number, seed: number): EmbeddingMatrix {
  const random = new SeededRandom(seed);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = random.nextUint32() / 2 ** 31 - 1;
  return { data, rows, cols };
}

export async function main(argv: string[]): Promise<void> {
  const { method, rest } = takeMethod(argv);
  const flags = numberFlags(rest, {
    images: 20000,
    labels: 1000,
    negatives: 12000,
    corpus: 57567,
    dim: 512,
    iterations: 3,
    chunkRows: 256,
    threads: 0,
  });
  const { images: m, labels: k, negatives: n, corpus: c, dim: d, iterations, chunkRows, threads } = flags;
  if (![m, k, n, d, iterations, chunkRows].every((v) => Number.isInteger(v) && v >= 1)) {
    throw new Error(
      `need positive integers --images, --labels, --negatives, --dim, --iterations and --chunkRows; got ${JSON.stringify(flags)}`,
    );
  }
  const scorer = scoringMethod(method);
  const images = randomMatrix(m, d, 1);
  const idText = randomMatrix(k, d, 2);
  const negText = scorer.negatives === 'required' ? randomMatrix(n, d, 3) : undefined;
  const params = scorer.resolveParams();
  const tanl = scorer.extraInputs.includes('corpusText');
  // TANL: the whole corpus, 15 noise images and the two queue-initialisation orders.
  const inputs: MethodInputs | undefined = tanl
    ? {
        corpusText: randomMatrix(c, d, 7),
        noiseImages: randomMatrix(15, d, 8),
        positiveInitOrder: seededPermutation(k, 1),
        noiseInitOrder: seededPermutation(15, 2),
      }
    : undefined;
  const mined = typeof params['negatives'] === 'number' ? params['negatives'] : 0;
  // Label columns of each matrix product the method performs per image (AdaNeg does two per batch;
  // TANL one over ID + corpus and two over ID + its mined negatives).
  const groups = typeof params['groups'] === 'number' ? params['groups'] : 1;
  const columns = tanl
    ? k + c + 2 * (k + mined)
    : negText === undefined
      ? k
      : scorer.adaptsToStream
        ? 2 * (k + n)
        : k + groups * Math.floor(n / groups);
  const flop = 2 * m * columns * d;

  // Baseline: a plain MatMul of the same chunks against the same number of label columns, run
  // interleaved with the scoring runs so both see the same machine load (other processes share
  // the cores); rates use the fastest run of each, which is the least disturbed. Only the row
  // maxima leave onnxruntime, so the baseline pays no rows × columns copy into JS.
  const baselineColumns = tanl ? k + c : negText === undefined ? k : k + n;
  const labels = randomMatrix(baselineColumns, d, 5).data as Float32Array;
  const chunk = randomMatrix(chunkRows, d, 6).data as Float32Array;
  const kernel = await MatmulKernel.create(d, 1, 'float32', { threads }, 'row-max');
  const chunks = Math.max(1, Math.ceil(m / chunkRows));

  const rss = trackPeakRss();
  const scoringMs: number[] = [];
  const baselineMs: number[] = [];
  try {
    await scorer.score(randomMatrix(Math.min(m, chunkRows), d, 4), idText, negText, {}, { chunkRows, threads }, inputs);
    await kernel.run(chunk, chunkRows, labels, baselineColumns);
    for (let i = 0; i < iterations; i++) {
      const start = performance.now();
      await scorer.score(images, idText, negText, {}, { chunkRows, threads }, inputs);
      scoringMs.push(performance.now() - start);
      const baselineStart = performance.now();
      for (let c = 0; c < chunks; c++) await kernel.run(chunk, chunkRows, labels, baselineColumns);
      baselineMs.push(performance.now() - baselineStart);
    }
  } finally {
    await kernel.dispose();
  }
  const peakRssMb = rss.stop();

  const sorted = [...scoringMs].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const best = sorted[0]!;
  const gflops = flop / (best * 1e6);
  const matmulGflops = (2 * chunks * chunkRows * baselineColumns * d) / (Math.min(...baselineMs) * 1e6);
  report(
    'score',
    {
      method,
      images: m,
      labels: k,
      negatives: tanl ? mined : n,
      corpus: tanl ? c : undefined,
      dim: d,
      iterations,
      warmup: 1,
      chunkRows,
      threads,
      precision: 'float32',
      bestMs: best,
      p50Ms: p50,
      p95Ms: percentile(sorted, 95),
      rate: 'fastest of the interleaved runs',
    },
    [
      { metric: 'images_per_s', value: m / (best / 1000), unit: 'images/s' },
      { metric: 'gflops', value: gflops, unit: 'GFLOP/s' },
      { metric: 'matmul_gflops', value: matmulGflops, unit: 'GFLOP/s' },
      { metric: 'fraction_of_matmul', value: gflops / matmulGflops, unit: 'ratio' },
      { metric: 'peak_rss_mb', value: peakRssMb, unit: 'MB' },
    ],
  );
}
