// Benchmark of detectors. Part `library` (default): the exported detector.onnx run by onnxruntime-node
// (DetectorRunner, session loaded once, as a service caches it) against the library's `score` of the
// same method on the same data, interleaved so both see the same machine load; goal: the detector
// at >= 90% of the library's images/s. The service's figures (single-embedding p50/p99 and
// requests/s under 20 connections, images/s of 10,000 embeddings per request) are a second part
// that the API wiring registers in PARTS, reusing detectBenchSetup.
// `npm run bench -- detect [--part library] [--images 10000 --labels 1000 --negatives 10000 --dim 512 --iterations 5 --chunkRows 256 --threads 0]`
import {
  buildDetector,
  DetectorRunner,
  scoringMethod,
  SeededRandom,
  type BuiltDetector,
  type EmbeddingMatrix,
} from '@negmine/mining';
import { numberFlags, percentile, report, trackPeakRss, type BenchFigure } from './bench-report';

const METHOD = 'debiased';

export interface DetectBenchFlags {
  readonly images: number;
  readonly labels: number;
  readonly negatives: number;
  readonly dim: number;
  readonly iterations: number;
  readonly chunkRows: number;
  readonly threads: number;
}

export interface DetectBenchSetup {
  readonly flags: DetectBenchFlags;
  readonly images: EmbeddingMatrix;
  readonly idText: EmbeddingMatrix;
  readonly negText: EmbeddingMatrix;
  readonly detector: BuiltDetector;
  readonly buildMs: number;
}

function randomMatrix(rows: number, cols: number, seed: number): EmbeddingMatrix {
  const random = new SeededRandom(seed);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = random.nextUint32() / 2 ** 31 - 1;
  return { data, rows, cols };
}

/** The data and the exported detector every part measures (debiased, default parameters, calibrated at ID TPR 0.95). */
export async function detectBenchSetup(flags: DetectBenchFlags): Promise<DetectBenchSetup> {
  const images = randomMatrix(flags.images, flags.dim, 1);
  const idText = randomMatrix(flags.labels, flags.dim, 2);
  const negText = randomMatrix(flags.negatives, flags.dim, 3);
  const start = performance.now();
  const detector = await buildDetector({
    method: METHOD,
    idText,
    negText,
    threshold: {
      calibrationImages: {
        ...images,
        rows: Math.min(images.rows, 2000),
        data: images.data.subarray(0, Math.min(images.rows, 2000) * flags.dim),
      },
    },
    codeVersion: 'bench',
    threads: flags.threads,
    chunkRows: flags.chunkRows,
  });
  return { flags, images, idText, negText, detector, buildMs: performance.now() - start };
}

async function libraryPart(
  setup: DetectBenchSetup,
): Promise<{ figures: BenchFigure[]; params: Record<string, unknown> }> {
  const { flags, images, idText, negText, detector } = setup;
  const method = scoringMethod(METHOD);
  const loadStart = performance.now();
  const runner = await DetectorRunner.load(detector.onnxBytes, { threads: flags.threads, chunkRows: flags.chunkRows });
  const loadMs = performance.now() - loadStart;
  const rss = trackPeakRss();
  const detectorMs: number[] = [];
  const libraryMs: number[] = [];
  try {
    const warm = {
      ...images,
      rows: Math.min(images.rows, flags.chunkRows),
      data: images.data.subarray(0, Math.min(images.rows, flags.chunkRows) * flags.dim),
    };
    await runner.detect(warm);
    await method.score(warm, idText, negText, {}, { chunkRows: flags.chunkRows, threads: flags.threads });
    for (let i = 0; i < flags.iterations; i++) {
      let start = performance.now();
      await runner.detect(images);
      detectorMs.push(performance.now() - start);
      start = performance.now();
      await method.score(images, idText, negText, {}, { chunkRows: flags.chunkRows, threads: flags.threads });
      libraryMs.push(performance.now() - start);
    }
  } finally {
    await runner.dispose();
  }
  const peakRssMb = rss.stop();
  const detectorBest = Math.min(...detectorMs);
  const libraryBest = Math.min(...libraryMs);
  const detectorRate = images.rows / (detectorBest / 1000);
  const libraryRate = images.rows / (libraryBest / 1000);
  const sortedDetector = [...detectorMs].sort((a, b) => a - b);
  return {
    params: {
      part: 'library',
      detectorMs,
      libraryMs,
      detectorP50Ms: percentile(sortedDetector, 50),
      rate: 'fastest of the interleaved runs',
      libraryScope: 'score(): normalises the label rows and creates its kernel on every call, as the library does',
    },
    figures: [
      { metric: 'images_per_s', value: detectorRate, unit: 'images/s' },
      { metric: 'library_images_per_s', value: libraryRate, unit: 'images/s' },
      { metric: 'fraction_of_library', value: detectorRate / libraryRate, unit: 'ratio' },
      { metric: 'detector_load_ms', value: loadMs, unit: 'ms' },
      { metric: 'export_ms', value: setup.buildMs, unit: 'ms' },
      { metric: 'detector_onnx_mb', value: detector.onnxBytes.byteLength / (1024 * 1024), unit: 'MB' },
      { metric: 'peak_rss_mb', value: peakRssMb, unit: 'MB' },
    ],
  };
}

/** Parts of this benchmark by name; the API wiring adds 'api' here. */
export const PARTS: Record<
  string,
  (setup: DetectBenchSetup) => Promise<{ figures: BenchFigure[]; params: Record<string, unknown> }>
> = { library: libraryPart };

function takePart(argv: readonly string[]): { part: string; rest: string[] } {
  const rest = [...argv];
  let part = 'library';
  const at = rest.findIndex((a) => a === '--part' || a.startsWith('--part='));
  if (at >= 0) {
    const flag = rest[at]!;
    const value = flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : rest[at + 1];
    rest.splice(at, flag.includes('=') ? 1 : 2);
    if (value === undefined) throw new Error('--part needs a value');
    part = value;
  }
  if (!(part in PARTS)) throw new Error(`--part must be one of ${Object.keys(PARTS).join(', ')}; got '${part}'`);
  return { part, rest };
}

export async function main(argv: string[]): Promise<void> {
  const { part, rest } = takePart(argv);
  const flags = numberFlags(rest, {
    images: 10000,
    labels: 1000,
    negatives: 10000,
    dim: 512,
    iterations: 5,
    chunkRows: 256,
    threads: 0,
  });
  const { images, labels, negatives, dim, iterations, chunkRows } = flags;
  if (
    ![images, labels, negatives, dim, iterations, chunkRows].every((v) => Number.isInteger(v) && v >= 1) ||
    !Number.isInteger(flags.threads) ||
    flags.threads < 0
  ) {
    throw new Error(
      `need positive integers --images, --labels, --negatives, --dim, --iterations, --chunkRows and --threads >= 0; got ${JSON.stringify(flags)}`,
    );
  }
  const setup = await detectBenchSetup(flags);
  const { figures, params } = await PARTS[part]!(setup);
  report(
    'detect',
    {
      method: METHOD,
      ...flags,
      warmup: 1,
      precision: 'float32',
      threshold: setup.detector.manifest.threshold,
      ...params,
    },
    figures,
  );
}
