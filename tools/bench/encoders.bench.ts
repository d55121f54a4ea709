// `npm run bench -- encoders [--model DIR] [--texts N] [--skip-texts] [--images 800]
// [--batch-size 64] [--image-batch-size 16] [--threads 0] [--image-rounds 2] [--rss-images 10000]`:
// text throughput on the default WordNet corpus prompts (dynamic padding vs padding to 77), then
// image encoding on ImageNet-sized JPEGs (500x375, generated from a seed): preprocessing alone per
// worker-thread count (main thread, 1 pinned to one CPU, 1, 2, all cores; each in its own process)
// and with the tiny model; and the goal
// figures side by side in one run: `negmine embed-images` in steady state (time for all images minus
// time for one, as child processes) against Pillow's CLIP preprocessing alone on one core (a Python
// process), plus the CLI's peak RSS on --rss-images files. Default model: the generated tiny CLIP.
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadClipModel, type ClipModel } from '@negmine/encoders';
import { writeTinyClipModel } from '@negmine/encoders/testing';
import { buildWordNetCorpus, loadWordNetDatabase } from '@negmine/mining';
import { writeImageNetLikeJpegs } from '../fixtures/imagenet-like-jpegs';
import { report, trackPeakRss } from './bench-report';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO_ROOT, 'tools', 'cli', 'bin', 'negmine.js');
const RSS_PRELOAD = path.join(__dirname, 'report-max-rss.js');
const PILLOW_SCRIPT = path.join(__dirname, 'pillow-clip-preprocess.py');
const PYTHON = '/usr/bin/python3';

interface Flags {
  model: string | undefined;
  texts: number;
  skipTexts: boolean;
  images: number;
  batchSize: number;
  imageBatchSize: number;
  threads: number;
  imageRounds: number;
  rssImages: number;
}

function parseFlags(argv: readonly string[]): Flags {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      model: { type: 'string' },
      texts: { type: 'string' },
      'skip-texts': { type: 'boolean' },
      images: { type: 'string' },
      'batch-size': { type: 'string' },
      'image-batch-size': { type: 'string' },
      threads: { type: 'string' },
      'image-rounds': { type: 'string' },
      'rss-images': { type: 'string' },
    },
  });
  const count = (
    name: 'texts' | 'images' | 'batch-size' | 'image-batch-size' | 'threads' | 'image-rounds' | 'rss-images',
    fallback: number,
    min: number,
  ): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}; got '${raw}'`);
    return n;
  };
  return {
    model: values.model,
    texts: count('texts', 0, 0),
    skipTexts: values['skip-texts'] === true,
    images: count('images', 800, 2),
    batchSize: count('batch-size', 64, 1),
    imageBatchSize: count('image-batch-size', 16, 1),
    threads: count('threads', 0, 0),
    imageRounds: count('image-rounds', 2, 1),
    rssImages: count('rss-images', 10_000, 0),
  };
}

async function seconds<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [Number(process.hrtime.bigint() - start) / 1e9, result];
}

/** The 1-minute load average with the figure: the machine is shared, so every rate carries it. */
function load(): number {
  return loadavg()[0]!;
}

async function textFigures(model: ClipModel, flags: Flags, modelName: string): Promise<void> {
  const text = model.text!;
  const corpus = buildWordNetCorpus(loadWordNetDatabase());
  const prompts = flags.texts > 0 ? corpus.prompts.slice(0, flags.texts) : corpus.prompts;
  const rss = trackPeakRss();
  await text.encode(prompts.slice(0, 256), { batchSize: flags.batchSize });
  const [tokenizeS] = await seconds(() => Promise.resolve(prompts.map((p) => text.tokenizer.encode(p))));
  const [dynamicS] = await seconds(() => text.encode(prompts, { batchSize: flags.batchSize, padding: 'longest' }));
  const [fixedS] = await seconds(() => text.encode(prompts, { batchSize: flags.batchSize, padding: 'max_length' }));
  process.stderr.write(
    `encoders: ${prompts.length} prompts: tokenize ${tokenizeS.toFixed(2)} s, dynamic ${dynamicS.toFixed(2)} s, fixed77 ${fixedS.toFixed(2)} s\n`,
  );
  report(
    'encoders',
    {
      model: modelName,
      corpus: `wordnet default (${corpus.entries.length} entries)`,
      texts: prompts.length,
      batch_size: flags.batchSize,
      threads: flags.threads,
      tokenize_s: tokenizeS,
      dynamic_over_fixed: fixedS / dynamicS,
      peak_rss_mb: rss.stop(),
      load_1min: load(),
    },
    [
      { metric: 'texts_per_s_dynamic', value: prompts.length / dynamicS, unit: 'texts/s' },
      { metric: 'texts_per_s_fixed77', value: prompts.length / fixedS, unit: 'texts/s' },
    ],
  );
}

interface RateResult {
  readonly preprocessImagesPerS: number;
  readonly totalImagesPerS: number;
  readonly cpusVisible: number;
  readonly threads: number;
}

/** Runs image-rate-child.ts in its own process, optionally pinned to CPU 0 (one core). */
function imageRates(modelDir: string, listFile: string, threads: number, pinned: boolean, flags: Flags): RateResult {
  const script = [
    `process.env.SWC_NODE_PROJECT ??= ${JSON.stringify(path.join(REPO_ROOT, 'tsconfig.json'))};`,
    "require('@swc-node/register');",
    `require(${JSON.stringify(path.join(__dirname, 'image-rate-child.ts'))}).main(process.argv.slice(1)).catch((e) => { console.error(e); process.exit(1); });`,
  ].join(' ');
  const args = [
    '-e',
    script,
    '--',
    modelDir,
    listFile,
    String(threads),
    String(flags.imageRounds),
    String(flags.imageBatchSize),
    String(flags.threads),
  ];
  const child = pinned
    ? spawnSync('taskset', ['-c', '0', process.execPath, ...args], { cwd: REPO_ROOT, encoding: 'utf8' })
    : spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: 'utf8' });
  if (child.error !== undefined || child.status !== 0)
    throw new Error(
      `image rate child (threads ${threads}, pinned ${pinned}) failed: ${child.error?.message ?? child.stderr}`,
    );
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as RateResult;
}

/**
 * Preprocessing alone and the whole encode per worker-thread count, each in a fresh process. With
 * one worker thread, sharp still decodes on libuv's pool, i.e. on another core; the figure pinned
 * to one CPU (taskset) is the true one-core rate the all-cores scaling is measured against.
 */
async function imageFigures(
  modelDir: string,
  listFile: string,
  count: number,
  flags: Flags,
  modelName: string,
): Promise<void> {
  const cores = availableParallelism();
  const configurations: Array<{ threads: number; pinned: boolean }> = [
    { threads: 0, pinned: false },
    { threads: 1, pinned: true },
    ...[...new Set([1, 2, cores])].map((threads) => ({ threads, pinned: false })),
  ];
  let oneCore: number | undefined;
  let allCores: number | undefined;
  for (const { threads, pinned } of configurations) {
    const rates = imageRates(modelDir, listFile, threads, pinned, flags);
    if (pinned) oneCore = rates.preprocessImagesPerS;
    if (!pinned && threads === cores) allCores = rates.preprocessImagesPerS;
    report(
      'encoders',
      {
        model: modelName,
        images: count,
        image_sides: '500x375 jpeg q90 4:2:0 (generated, seed 1)',
        preprocess_threads: threads === 0 ? 'main thread (libuv decode, 4 in flight)' : threads,
        cpus_visible: rates.cpusVisible,
        pinned_to_one_cpu: pinned,
        image_batch_size: flags.imageBatchSize,
        threads: flags.threads,
        image_rounds_best_of: flags.imageRounds,
        load_1min: load(),
      },
      [
        { metric: 'images_per_s_preprocess', value: rates.preprocessImagesPerS, unit: 'images/s' },
        { metric: 'images_per_s_total', value: rates.totalImagesPerS, unit: 'images/s' },
      ],
    );
  }
  report('encoders', { cores, one_core: oneCore, all_cores: allCores, goal: '>= 1.7 on 2 cores', load_1min: load() }, [
    { metric: 'preprocess_scaling_all_cores_over_one_core', value: allCores! / oneCore!, unit: 'x' },
  ]);
}

interface CliRun {
  readonly seconds: number;
  readonly maxRssMb: number;
}

/** One `negmine embed-images` child process over `listDir`; wall time and peak RSS. */
function runEmbedImages(modelDir: string, listDir: string, out: string, batchSize: number): CliRun {
  const start = process.hrtime.bigint();
  const child = spawnSync(
    process.execPath,
    [
      '-r',
      RSS_PRELOAD,
      CLI,
      'embed-images',
      '--model',
      modelDir,
      '--in',
      listDir,
      '--out',
      out,
      '--batch-size',
      String(batchSize),
    ],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (child.status !== 0) throw new Error(`negmine embed-images exited ${child.status}: ${child.stderr}`);
  const rssLine = child.stderr
    .split('\n')
    .reverse()
    .find((line) => line.startsWith('{"maxRssKb"'));
  return {
    seconds: elapsed,
    maxRssMb: rssLine === undefined ? Number.NaN : (JSON.parse(rssLine) as { maxRssKb: number }).maxRssKb / 1024,
  };
}

/** A folder holding the first `count` of `files` (hard links: no copies, same decode cost). */
function linkFolder(dir: string, files: readonly string[], count: number): string {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++)
    linkSync(files[i % files.length]!, path.join(dir, `img-${String(i).padStart(6, '0')}.jpg`));
  return dir;
}

interface PillowResult {
  readonly imagesPerS: number | undefined;
  readonly error: string | undefined;
  readonly version: string | undefined;
}

function pillowPreprocess(files: readonly string[]): PillowResult {
  const child = spawnSync(PYTHON, [PILLOW_SCRIPT], { input: files.join('\n'), encoding: 'utf8' });
  if (child.error !== undefined)
    return { imagesPerS: undefined, error: `${PYTHON} could not run: ${child.error.message}`, version: undefined };
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(line) as { images_per_s?: number; error?: string; pillow?: string };
    if (parsed.images_per_s !== undefined && child.status === 0)
      return { imagesPerS: parsed.images_per_s, error: undefined, version: parsed.pillow };
    return {
      imagesPerS: undefined,
      error: parsed.error ?? `exit ${child.status}: ${child.stderr.trim()}`,
      version: undefined,
    };
  } catch {
    return { imagesPerS: undefined, error: `exit ${child.status}: ${child.stderr.trim() || line}`, version: undefined };
  }
}

async function goalFigures(modelDir: string, files: readonly string[], flags: Flags, scratch: string): Promise<void> {
  const one = linkFolder(path.join(scratch, 'cli-one'), files, 1);
  const all = linkFolder(path.join(scratch, 'cli-all'), files, files.length);
  // One warm-up run (disk cache, swc's compile cache); then best of the rounds for both sizes.
  runEmbedImages(modelDir, one, path.join(scratch, 'one.npy'), flags.imageBatchSize);
  let oneS = Infinity;
  let allS = Infinity;
  const loads: number[] = [];
  for (let round = 0; round < flags.imageRounds; round++) {
    rmSync(path.join(scratch, 'one.npy'), { force: true });
    rmSync(path.join(scratch, 'one.files.json'), { force: true });
    oneS = Math.min(oneS, runEmbedImages(modelDir, one, path.join(scratch, 'one.npy'), flags.imageBatchSize).seconds);
    rmSync(path.join(scratch, 'all.npy'), { force: true });
    rmSync(path.join(scratch, 'all.files.json'), { force: true });
    allS = Math.min(allS, runEmbedImages(modelDir, all, path.join(scratch, 'all.npy'), flags.imageBatchSize).seconds);
    loads.push(load());
  }
  const steady = (files.length - 1) / (allS - oneS);
  const pillow = pillowPreprocess(files);
  loads.push(load());
  if (pillow.error !== undefined)
    process.stderr.write(
      `encoders: Pillow reference NOT measured: ${pillow.error} (install python3-pil and python3-numpy)\n`,
    );
  report(
    'encoders',
    {
      images: files.length,
      image_sides: '500x375 jpeg q90 4:2:0 (generated, seed 1)',
      cli_seconds_one_image: oneS,
      cli_seconds_all_images: allS,
      pillow: pillow.version ?? `unavailable: ${pillow.error}`,
      pillow_pipeline:
        'open, convert RGB, resize shortest edge 224 BICUBIC, centre crop 224, /255, normalise, CHW; one Python process',
      goal: 'embed-images steady state >= 2x Pillow on one core',
      load_1min: Math.max(...loads),
    },
    [
      { metric: 'embed_images_steady_images_per_s', value: steady, unit: 'images/s' },
      { metric: 'pillow_preprocess_images_per_s_one_core', value: pillow.imagesPerS ?? Number.NaN, unit: 'images/s' },
      {
        metric: 'embed_images_steady_over_pillow',
        value: pillow.imagesPerS === undefined ? Number.NaN : steady / pillow.imagesPerS,
        unit: 'x',
      },
    ],
  );

  if (flags.rssImages > 0) {
    const many = linkFolder(path.join(scratch, 'cli-many'), files, flags.rssImages);
    const run = runEmbedImages(modelDir, many, path.join(scratch, 'many.npy'), flags.imageBatchSize);
    report(
      'encoders',
      {
        images: flags.rssImages,
        distinct_files: files.length,
        seconds: run.seconds,
        goal: '< 1024 MB',
        load_1min: load(),
      },
      [
        { metric: 'embed_images_peak_rss_mb', value: run.maxRssMb, unit: 'MB' },
        { metric: 'embed_images_images_per_s_rss_run', value: flags.rssImages / run.seconds, unit: 'images/s' },
      ],
    );
  }
}

export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  const scratch = mkdtempSync(path.join(tmpdir(), 'negmine-encoders-bench-'));
  let model: ClipModel | undefined;
  try {
    const modelDir = flags.model ?? writeTinyClipModel(path.join(scratch, 'tiny-clip'), { seed: 0 }).dir;
    const modelName =
      flags.model === undefined ? 'generated tiny-clip (seed 0)' : path.basename(path.resolve(flags.model));
    if (!flags.skipTexts) {
      model = await loadClipModel(modelDir, { towers: 'text', intraOpThreads: flags.threads });
      await textFigures(model, flags, modelName);
      await model.dispose();
      model = undefined;
    }
    process.stderr.write(`encoders: generating ${flags.images} JPEGs of 500x375...\n`);
    const files = await writeImageNetLikeJpegs(path.join(scratch, 'jpegs'), flags.images, { seed: 1 });
    const listFile = path.join(scratch, 'files.txt');
    writeFileSync(listFile, files.join('\n'));
    await imageFigures(modelDir, listFile, files.length, flags, modelName);
    await goalFigures(modelDir, files, flags, scratch);
  } finally {
    await model?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}
