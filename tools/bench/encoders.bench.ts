// `npm run bench -- encoders [--model DIR] [--texts N] [--images 64] [--batch-size 64]
// [--image-batch-size 16] [--threads 0] [--decode-concurrency 4] [--image-rounds 3]`: text throughput on the default WordNet corpus prompts with
// dynamic padding vs padding to 77, and image throughput (decode + preprocess alone, and with
// inference). Default model: the generated tiny CLIP in a temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadClipModel, type ClipModel } from '@negmine/encoders';
import { writeSyntheticImages, writeTinyClipModel } from '@negmine/encoders/testing';
import { buildWordNetCorpus, loadWordNetDatabase } from '@negmine/mining';
import { report, trackPeakRss } from './bench-report';

interface Flags {
  model: string | undefined;
  texts: number;
  images: number;
  batchSize: number;
  imageBatchSize: number;
  threads: number;
  decodeConcurrency: number;
  imageRounds: number;
}

function parseFlags(argv: readonly string[]): Flags {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      model: { type: 'string' },
      texts: { type: 'string' },
      images: { type: 'string' },
      'batch-size': { type: 'string' },
      'image-batch-size': { type: 'string' },
      threads: { type: 'string' },
      'decode-concurrency': { type: 'string' },
      'image-rounds': { type: 'string' },
    },
  });
  const count = (name: keyof typeof values, fallback: number, min: number): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}; got '${raw}'`);
    return n;
  };
  return {
    model: values.model,
    texts: count('texts', 0, 0),
    images: count('images', 64, 1),
    batchSize: count('batch-size', 64, 1),
    imageBatchSize: count('image-batch-size', 16, 1),
    threads: count('threads', 0, 0),
    decodeConcurrency: count('decode-concurrency', 4, 1),
    imageRounds: count('image-rounds', 3, 1),
  };
}

async function seconds<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [Number(process.hrtime.bigint() - start) / 1e9, result];
}

export async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  const scratch = mkdtempSync(path.join(tmpdir(), 'negmine-encoders-bench-'));
  let model: ClipModel | undefined;
  try {
    const modelDir = flags.model ?? writeTinyClipModel(path.join(scratch, 'tiny-clip'), { seed: 0 }).dir;
    model = await loadClipModel(modelDir, { intraOpThreads: flags.threads });
    const text = model.text!;
    const image = model.image!;

    const corpus = buildWordNetCorpus(loadWordNetDatabase());
    const prompts = flags.texts > 0 ? corpus.prompts.slice(0, flags.texts) : corpus.prompts;
    const rss = trackPeakRss();
    await text.encode(prompts.slice(0, 256), { batchSize: flags.batchSize });
    const [tokenizeS] = await seconds(() => Promise.resolve(prompts.map((p) => text.tokenizer.encode(p))));
    const [dynamicS] = await seconds(() => text.encode(prompts, { batchSize: flags.batchSize, padding: 'longest' }));
    const [fixedS] = await seconds(() => text.encode(prompts, { batchSize: flags.batchSize, padding: 'max_length' }));

    const files = await writeSyntheticImages(path.join(scratch, 'images'), flags.images, { seed: 1, minSide: 320, maxSide: 640 });
    await image.encodeFiles(files.slice(0, 2));
    // Interleaved and best-of-N: other jobs share the CPU, so single runs swing by tens of percent.
    let preprocessS = Infinity;
    let totalS = Infinity;
    for (let round = 0; round < flags.imageRounds; round++) {
      const [pre] = await seconds(async () => {
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < files.length) await image.preprocessFile(files[next++]!);
        };
        await Promise.all(Array.from({ length: flags.decodeConcurrency }, worker));
      });
      const [total, encoded] = await seconds(() => image.encodeFiles(files, { batchSize: flags.imageBatchSize, decodeConcurrency: flags.decodeConcurrency }));
      if (encoded.failures.length > 0) throw new Error(`synthetic images failed to decode: ${JSON.stringify(encoded.failures)}`);
      preprocessS = Math.min(preprocessS, pre);
      totalS = Math.min(totalS, total);
    }
    const peakRssMb = rss.stop();

    process.stderr.write(
      `encoders: ${prompts.length} prompts: tokenize ${tokenizeS.toFixed(2)} s, dynamic ${dynamicS.toFixed(2)} s, fixed77 ${fixedS.toFixed(2)} s (ratio ${(fixedS / dynamicS).toFixed(2)}x); ` +
        `${files.length} images: preprocess ${preprocessS.toFixed(2)} s, total ${totalS.toFixed(2)} s\n`,
    );
    report(
      'encoders',
      {
        model: flags.model === undefined ? 'generated tiny-clip (seed 0)' : path.basename(path.resolve(flags.model)),
        model_hash: model.contentHash.slice(0, 16),
        embedding_dim: model.embeddingDim,
        corpus: `wordnet default (${corpus.entries.length} entries)`,
        texts: prompts.length,
        images: files.length,
        image_sides: '320..640 px synthetic jpeg/png',
        batch_size: flags.batchSize,
        image_batch_size: flags.imageBatchSize,
        decode_concurrency: flags.decodeConcurrency,
        threads: flags.threads,
        tokenize_s: tokenizeS,
        dynamic_over_fixed: fixedS / dynamicS,
        peak_rss_mb: peakRssMb,
        warmup: 1,
        text_iterations: 1,
        image_rounds_best_of: flags.imageRounds,
      },
      [
        { metric: 'texts_per_s_dynamic', value: prompts.length / dynamicS, unit: 'texts/s' },
        { metric: 'texts_per_s_fixed77', value: prompts.length / fixedS, unit: 'texts/s' },
        { metric: 'images_per_s_preprocess', value: files.length / preprocessS, unit: 'images/s' },
        { metric: 'images_per_s_total', value: files.length / totalS, unit: 'images/s' },
      ],
    );
  } finally {
    await model?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}
