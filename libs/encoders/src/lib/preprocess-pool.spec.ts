// The preprocessing worker pool behind ClipImageEncoder: results equal the main-thread path and keep
// input order whatever order the threads finish in; a file that crashes its worker thread, or cannot
// be decoded, is that file's failure while the rest of the batch goes on; a worker that cannot start
// is a typed error of the whole call.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeSyntheticImages, writeTinyClipModel } from '../testing';
import { loadClipModel, type ClipModel } from './clip-model';
import { EncodersErrorCode } from './errors';
import { PreprocessPool } from './preprocess-pool';

// Worker threads compile their sources on start and share 2 cores with other jobs: allow slow machines.
jest.setTimeout(120_000);

const FAULTY_WORKER = path.join(__dirname, '..', 'testing', 'faulty-preprocess-worker.ts');

function sameFloats(a: Float32Array, b: Float32Array): boolean {
  return (
    a.length === b.length &&
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.byteLength),
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    ) === 0
  );
}

describe('preprocessing on worker threads', () => {
  let root: string;
  let modelDir: string;
  let images: string[];
  let mainThread: ClipModel;
  let faulty: ClipModel;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'negmine-pool-'));
    modelDir = path.join(root, 'tiny');
    writeTinyClipModel(modelDir, { seed: 5, dim: 16 });
    images = await writeSyntheticImages(path.join(root, 'images'), 6, { seed: 2 });
    mainThread = await loadClipModel(modelDir, { towers: 'vision', intraOpThreads: 1, preprocessThreads: 0 });
    faulty = await loadClipModel(modelDir, {
      towers: 'vision',
      intraOpThreads: 1,
      preprocessThreads: 2,
      preprocessWorkerFile: FAULTY_WORKER,
    });
  });
  afterAll(async () => {
    await Promise.all([mainThread?.dispose(), faulty?.dispose()]);
    rmSync(root, { recursive: true, force: true });
  });

  /** A copy of image i under a name the faulty worker acts on. */
  function named(i: number, name: string): string {
    const file = path.join(root, 'images', `${name}-${i}${path.extname(images[i]!)}`);
    copyFileSync(images[i]!, file);
    return file;
  }

  it('gives byte-identical pixel_values to the main-thread path, with the real worker entry', async () => {
    const model = await loadClipModel(modelDir, { towers: 'vision', intraOpThreads: 1, preprocessThreads: 2 });
    try {
      expect(model.image!.preprocessThreadCount).toBe(2);
      const pooled = await model.image!.preprocessFiles(images);
      const reference = await mainThread.image!.preprocessFiles(images);
      pooled.forEach((pixels, i) => {
        expect(pixels).toBeInstanceOf(Float32Array);
        expect(sameFloats(pixels as Float32Array, reference[i] as Float32Array)).toBe(true);
      });
    } finally {
      await model.dispose();
    }
  });

  it('keeps input order when later files finish first', async () => {
    // The first files are the slowest: on 2 threads x 2 files, completions come back reversed.
    const files = [
      named(0, 'slow-900'),
      named(1, 'slow-600'),
      named(2, 'slow-300'),
      named(3, 'fast'),
      named(4, 'fast'),
      named(5, 'fast'),
    ];
    const pool = new PreprocessPool(
      { target: { spec: faulty.image!.preprocessSpec, pixelSize: faulty.image!.pixelSize } },
      { threads: 2, workerFile: FAULTY_WORKER },
    );
    const completed: number[] = [];
    try {
      await Promise.all(files.map((file, i) => pool.preprocess(file).then(() => completed.push(i))));
    } finally {
      await pool.close();
    }
    expect(completed).not.toEqual([0, 1, 2, 3, 4, 5]);

    const result = await faulty.image!.encodeFiles(files, { batchSize: 4 });
    const reference = await mainThread.image!.encodeFiles(images, { batchSize: 4 });
    expect(result.files).toEqual(files);
    expect(result.failures).toEqual([]);
    expect(sameFloats(result.embeddings, reference.embeddings)).toBe(true);
  });

  it("makes a file that crashes its worker, and an undecodable one, that file's failure; the batch goes on", async () => {
    const broken = path.join(root, 'images', 'broken.jpg');
    writeFileSync(broken, 'not a jpeg');
    const crash = named(2, 'crash');
    const files = [images[0]!, crash, images[1]!, broken, images[3]!, images[4]!, images[5]!];
    const result = await faulty.image!.encodeFiles(files, { batchSize: 3 });
    expect(result.files).toEqual([images[0], images[1], images[3], images[4], images[5]]);
    expect(result.failures).toEqual([
      {
        path: crash,
        code: EncodersErrorCode.ImageDecodeFailed,
        reason: expect.stringContaining('crashed its worker thread'),
      },
      {
        path: broken,
        code: EncodersErrorCode.ImageDecodeFailed,
        reason: expect.stringContaining('cannot decode image'),
      },
    ]);
    const reference = await mainThread.image!.encodeFiles(result.files);
    expect(sameFloats(result.embeddings, reference.embeddings)).toBe(true);
    // The pool replaced the dead thread: the encoder keeps working.
    const again = await faulty.image!.encodeFiles([images[0]!]);
    expect(sameFloats(again.embeddings, reference.embeddings.subarray(0, 16))).toBe(true);
  });

  it('fails the whole call with a typed error when no worker thread can start', async () => {
    const model = await loadClipModel(modelDir, {
      towers: 'vision',
      intraOpThreads: 1,
      preprocessThreads: 1,
      preprocessWorkerFile: path.join(root, 'no-such-worker.js'),
    });
    try {
      await expect(model.image!.encodeFiles(images.slice(0, 2))).rejects.toMatchObject({
        code: EncodersErrorCode.PreprocessWorkerFailed,
      });
    } finally {
      await model.dispose();
    }
  });

  it('rejects bad thread counts and prefetch depths with typed errors', async () => {
    await expect(loadClipModel(modelDir, { towers: 'vision', preprocessThreads: -1 })).rejects.toMatchObject({
      code: EncodersErrorCode.InvalidOption,
    });
    await expect(mainThread.image!.encodeFiles(images, { prefetchBatches: 1.5 })).rejects.toMatchObject({
      code: EncodersErrorCode.InvalidOption,
    });
  });

  it('gives the same rows whatever the prefetch depth and batch size', async () => {
    const reference = await mainThread.image!.encodeFiles(images, { batchSize: 1, prefetchBatches: 0 });
    for (const [batchSize, prefetchBatches] of [
      [2, 1],
      [5, 3],
    ] as const) {
      const result = await faulty.image!.encodeFiles(images, { batchSize, prefetchBatches });
      expect(result.files).toEqual(images);
      let max = 0;
      for (let i = 0; i < reference.embeddings.length; i++)
        max = Math.max(max, Math.abs(result.embeddings[i]! - reference.embeddings[i]!));
      expect(max).toBeLessThanOrEqual(1e-5);
    }
  });
});
