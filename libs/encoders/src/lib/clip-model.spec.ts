// loadClipModel on generated models: layouts, variants, batching invariance, hashing, and the typed
// errors for missing/corrupt files, wrong signatures and disagreeing towers.
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OnnxGraphBuilder } from '@negmine/formats';
import sharp from 'sharp';
import { writeSyntheticImages, writeTinyClipModel } from '../testing';
import { loadClipModel, type ClipModel } from './clip-model';
import { EncodersErrorCode } from './errors';

// Model loading and image decoding share 2 CPU cores with other jobs: allow slow machines.
jest.setTimeout(60_000);

const TOLERANCE = 1e-5;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

const TEXTS = [
  'a photo of a dog.',
  'the nice cat',
  '',
  'A BIG RED TRUCK on a bridge at night',
  'dog '.repeat(90),
  'zebra',
  'ünïcödé ✓ 42',
];

describe('loadClipModel on a generated separate-tower model', () => {
  let root: string;
  let dir: string;
  let model: ClipModel;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'negmine-encoders-'));
    dir = path.join(root, 'tiny');
    writeTinyClipModel(dir, { seed: 3, dim: 24 });
    model = await loadClipModel(dir, { intraOpThreads: 1 });
  });
  afterAll(async () => {
    await model.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('reads the embedding width from the graphs and reports raw text embeddings', () => {
    expect(model.embeddingDim).toBe(24);
    expect(model.layout).toBe('separate');
    expect(model.textEmbeddingsAreRaw).toBe(true);
  });

  it('returns rows in input order whatever the batch size and padding', async () => {
    const reference = await model.text!.encode(TEXTS, { batchSize: 1 });
    expect(maxAbsDiff(await model.text!.encode(TEXTS, { batchSize: 3 }), reference)).toBeLessThanOrEqual(TOLERANCE);
    expect(
      maxAbsDiff(await model.text!.encode(TEXTS, { batchSize: 64, padding: 'max_length' }), reference),
    ).toBeLessThanOrEqual(TOLERANCE);
    const reversed = await model.text!.encode([...TEXTS].reverse(), { batchSize: 2 });
    const dim = model.embeddingDim;
    TEXTS.forEach((_, i) => {
      const j = TEXTS.length - 1 - i;
      expect(
        maxAbsDiff(reversed.subarray(j * dim, (j + 1) * dim), reference.subarray(i * dim, (i + 1) * dim)),
      ).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  it('distinguishes texts (the model is not constant)', async () => {
    const rows = await model.text!.encode(['dog', 'cat']);
    expect(maxAbsDiff(rows.subarray(0, 24), rows.subarray(24, 48))).toBeGreaterThan(0.01);
  });

  it('reports progress per batch', async () => {
    const seen: Array<[number, number]> = [];
    await model.text!.encode(TEXTS, { batchSize: 3, onProgress: (done, total) => seen.push([done, total]) });
    expect(seen).toEqual([
      [3, 7],
      [6, 7],
      [7, 7],
    ]);
  });

  it('embeds image files, skipping and reporting undecodable ones', async () => {
    const images = await writeSyntheticImages(path.join(root, 'images'), 5, { seed: 1 });
    const broken = path.join(root, 'images', 'broken.jpg');
    writeFileSync(broken, 'not a jpeg');
    const missing = path.join(root, 'images', 'missing.png');
    const files = [images[0]!, broken, images[1]!, missing, ...images.slice(2)];
    const result = await model.image!.encodeFiles(files, { batchSize: 2, decodeConcurrency: 2 });
    expect(result.files).toEqual(images);
    expect(result.failures.map((f) => f.path)).toEqual([broken, missing]);
    expect(result.failures.every((f) => f.code === EncodersErrorCode.ImageDecodeFailed)).toBe(true);
    expect(result.failures[0]!.reason).toContain(broken);
    const one = await model.image!.encodeFiles([images[3]!]);
    expect(maxAbsDiff(one.embeddings, result.embeddings.subarray(3 * 24, 4 * 24))).toBeLessThanOrEqual(1e-4);
  });

  it('reports an image whose resize would be too large as a failure and goes on', async () => {
    const [image] = await writeSyntheticImages(path.join(root, 'thin'), 1, { seed: 4 });
    const thin = path.join(root, 'thin', 'thin.png');
    // 600x4 resizes to 33600x224 for the model: above the limit below, which ordinary images stay under.
    await sharp(Buffer.alloc(600 * 4 * 3, 90), { raw: { width: 600, height: 4, channels: 3 } })
      .png()
      .toFile(thin);
    const result = await model.image!.encodeFiles([thin, image!], { decode: { maxInputPixels: 200_000 } });
    expect(result.files).toEqual([image]);
    expect(result.failures).toEqual([
      { path: thin, code: EncodersErrorCode.ImageDecodeFailed, reason: expect.stringContaining('33600x224') },
    ]);
  });

  it('has the same content hash whichever towers are loaded', async () => {
    for (const towers of ['text', 'vision'] as const) {
      const partial = await loadClipModel(dir, { towers });
      expect(partial.contentHash).toBe(model.contentHash);
      await partial.dispose();
    }
  });

  it('has a content hash that follows the preprocessing config', async () => {
    const copy = path.join(root, 'copy');
    writeTinyClipModel(copy, { seed: 3, dim: 24 });
    const same = await loadClipModel(copy);
    expect(same.contentHash).toBe(model.contentHash);
    await same.dispose();
    const config = JSON.parse(readFileSync(path.join(copy, 'preprocessor_config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    writeFileSync(
      path.join(copy, 'preprocessor_config.json'),
      JSON.stringify({ ...config, image_mean: [0.5, 0.5, 0.5] }),
    );
    const changed = await loadClipModel(copy);
    expect(changed.contentHash).not.toBe(model.contentHash);
    const openai = await loadClipModel(copy, { cleanup: 'openai' });
    expect(openai.contentHash).not.toBe(changed.contentHash);
    await Promise.all([changed.dispose(), openai.dispose()]);
  });
});

describe('loadClipModel layouts, variants and errors', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'negmine-encoders-errors-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function fresh(name: string, options: Parameters<typeof writeTinyClipModel>[1] = {}): string {
    const dir = path.join(root, name);
    writeTinyClipModel(dir, { seed: 5, ...options });
    return dir;
  }

  it('loads a combined onnx/model.onnx: normalised text embeddings equal to the separate towers, flagged not raw', async () => {
    const separate = await loadClipModel(fresh('separate'));
    const combined = await loadClipModel(fresh('combined', { layout: 'combined' }));
    expect(combined.layout).toBe('combined');
    expect(combined.textEmbeddingsAreRaw).toBe(false);
    expect(combined.text!.embeddingsAreRaw).toBe(false);
    const expected = await separate.text!.encode(TEXTS, { normalize: true });
    expect(maxAbsDiff(await combined.text!.encode(TEXTS, { batchSize: 4 }), expected)).toBeLessThanOrEqual(TOLERANCE);
    const images = await writeSyntheticImages(path.join(root, 'combined-images'), 3, { seed: 2 });
    const a = await separate.image!.encodeFiles(images, { normalize: true });
    const b = await combined.image!.encodeFiles(images);
    expect(maxAbsDiff(b.embeddings, a.embeddings)).toBeLessThanOrEqual(1e-4);
    const textOnly = await loadClipModel(path.join(root, 'combined'), { towers: 'text' });
    expect(textOnly.image).toBeUndefined();
    expect(textOnly.contentHash).toBe(combined.contentHash);
    expect(maxAbsDiff(await textOnly.text!.encode(TEXTS), expected)).toBeLessThanOrEqual(TOLERANCE);
    await Promise.all([separate.dispose(), combined.dispose(), textOnly.dispose()]);
  });

  it('selects the quantized / fp16 files by variant and names the missing one', async () => {
    const dir = fresh('variants');
    renameSync(path.join(dir, 'onnx/text_model.onnx'), path.join(dir, 'onnx/text_model_quantized.onnx'));
    renameSync(path.join(dir, 'onnx/vision_model.onnx'), path.join(dir, 'onnx/vision_model_quantized.onnx'));
    const quantized = await loadClipModel(dir, { variant: 'quantized' });
    expect(quantized.variant).toBe('quantized');
    await quantized.dispose();
    await expect(loadClipModel(dir, { variant: 'fp16' })).rejects.toMatchObject({
      code: EncodersErrorCode.MissingFile,
      message: expect.stringContaining('onnx/text_model_fp16.onnx'),
    });
    await expect(loadClipModel(dir, { variant: 'int4' as never })).rejects.toMatchObject({
      code: EncodersErrorCode.InvalidOption,
    });
  });

  it('falls back to vocab.json + merges.txt with identical ids', async () => {
    const dir = fresh('slow-tokenizer');
    const withJson = await loadClipModel(dir, { towers: 'text' });
    unlinkSync(path.join(dir, 'tokenizer.json'));
    const withMerges = await loadClipModel(dir, { towers: 'text' });
    for (const t of TEXTS) expect(withMerges.text!.tokenizer.encode(t)).toEqual(withJson.text!.tokenizer.encode(t));
    await Promise.all([withJson.dispose(), withMerges.dispose()]);
  });

  it('names a missing tokenizer, a missing folder and a missing preprocessor config', async () => {
    const dir = fresh('no-tokenizer');
    for (const f of ['tokenizer.json', 'vocab.json', 'merges.txt']) unlinkSync(path.join(dir, f));
    await expect(loadClipModel(dir)).rejects.toMatchObject({
      code: EncodersErrorCode.MissingFile,
      message: expect.stringContaining('bpe_simple_vocab_16e6.txt.gz'),
    });
    await expect(loadClipModel(path.join(root, 'nowhere'))).rejects.toMatchObject({
      code: EncodersErrorCode.MissingFile,
    });
    const noPre = fresh('no-preprocessor');
    unlinkSync(path.join(noPre, 'preprocessor_config.json'));
    await expect(loadClipModel(noPre)).rejects.toMatchObject({
      code: EncodersErrorCode.MissingFile,
      message: expect.stringContaining('preprocessor_config.json'),
    });
    const textOnly = await loadClipModel(noPre, { towers: 'text' });
    expect(textOnly.image).toBeUndefined();
    await textOnly.dispose();
  });

  it('names corrupt files', async () => {
    const dir = fresh('corrupt');
    writeFileSync(path.join(dir, 'onnx/vision_model.onnx'), 'garbage');
    await expect(loadClipModel(dir)).rejects.toMatchObject({
      code: EncodersErrorCode.CorruptFile,
      message: expect.stringContaining('vision_model.onnx'),
    });
    const json = fresh('corrupt-json');
    writeFileSync(path.join(json, 'preprocessor_config.json'), '{ "size": ');
    await expect(loadClipModel(json)).rejects.toMatchObject({
      code: EncodersErrorCode.CorruptFile,
      message: expect.stringContaining('preprocessor_config.json'),
    });
  });

  it('rejects a graph with the wrong signature, listing expected and found', async () => {
    const dir = fresh('bad-signature');
    const bytes = new OnnxGraphBuilder('wrong')
      .input('ids', 'int32', ['batch', 'seq'])
      .node('Cast', ['ids'], ['text_embeds'], { to: { int: 1 } })
      .output('text_embeds', 'float32', ['batch', 'seq'])
      .toBytes();
    writeFileSync(path.join(dir, 'onnx/text_model.onnx'), bytes);
    const error = await loadClipModel(dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: EncodersErrorCode.SignatureMismatch });
    const message = (error as Error).message;
    expect(message).toContain("missing input 'input_ids'");
    expect(message).toContain("unexpected input 'ids'");
    expect(message).toContain('Expected:');
    expect(message).toContain('ids: int32[batch, seq]');
  });

  it('rejects towers with different embedding widths', async () => {
    const dir = fresh('dims', { dim: 32 });
    const other = fresh('dims-other', { dim: 16 });
    copyFileSync(path.join(other, 'onnx/vision_model.onnx'), path.join(dir, 'onnx/vision_model.onnx'));
    await expect(loadClipModel(dir)).rejects.toMatchObject({
      code: EncodersErrorCode.DimensionMismatch,
      details: { textDim: 32, imageDim: 16 },
    });
  });

  it('refuses an execution provider that is not installed or unknown', async () => {
    const dir = fresh('providers');
    await expect(loadClipModel(dir, { executionProvider: 'tpu' as never })).rejects.toMatchObject({
      code: EncodersErrorCode.InvalidOption,
    });
    const cuda = await loadClipModel(dir, { executionProvider: 'cuda' }).catch((e: unknown) => e);
    // CPU-only installs (this repository's) must fail clearly; a CUDA install loads.
    if (cuda instanceof Error)
      expect(cuda).toMatchObject({
        code: EncodersErrorCode.UnsupportedExecutionProvider,
        message: expect.stringContaining('cuda'),
      });
    else await (cuda as ClipModel).dispose();
  });
});
