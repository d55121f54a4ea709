// Child process of the encoders bench: preprocessing alone and the whole encode of the files listed
// in a file, with a given number of preprocessing worker threads; best of N interleaved rounds after
// a warm-up. Run in its own process so a one-core figure can be pinned with `taskset -c 0`. Prints
// one JSON object on stdout.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { loadClipModel } from '@negmine/encoders';

export async function main(argv: readonly string[]): Promise<void> {
  const [modelDir, listFile, threadsArg, roundsArg, batchArg, intraArg] = argv;
  if (modelDir === undefined || listFile === undefined)
    throw new Error('usage: image-rate-child MODEL_DIR LIST_FILE THREADS ROUNDS BATCH INTRA_OP_THREADS');
  const files = readFileSync(listFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
  const preprocessThreads = Number(threadsArg);
  const model = await loadClipModel(modelDir, {
    towers: 'vision',
    intraOpThreads: Number(intraArg ?? 0),
    preprocessThreads,
  });
  try {
    const image = model.image!;
    // Warm-up: worker start-up (swc compiling the worker sources) and the JIT do not count.
    await image.encodeFiles(files.slice(0, Math.max(16, preprocessThreads * 8)));
    let preprocessS = Infinity;
    let totalS = Infinity;
    for (let round = 0; round < Number(roundsArg ?? 2); round++) {
      let start = process.hrtime.bigint();
      const results = await image.preprocessFiles(files);
      preprocessS = Math.min(preprocessS, Number(process.hrtime.bigint() - start) / 1e9);
      if (results.some((r) => !(r instanceof Float32Array))) throw new Error('benchmark images failed to preprocess');
      start = process.hrtime.bigint();
      const encoded = await image.encodeFiles(files, { batchSize: Number(batchArg ?? 16) });
      totalS = Math.min(totalS, Number(process.hrtime.bigint() - start) / 1e9);
      if (encoded.failures.length > 0)
        throw new Error(`benchmark images failed to encode: ${JSON.stringify(encoded.failures.slice(0, 3))}`);
    }
    process.stdout.write(
      `${JSON.stringify({ preprocessImagesPerS: files.length / preprocessS, totalImagesPerS: files.length / totalS, cpusVisible: availableParallelism(), threads: image.preprocessThreadCount })}\n`,
    );
  } finally {
    await model.dispose();
  }
}
