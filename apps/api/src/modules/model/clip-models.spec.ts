// ClipModels: the API's CLIP settings become the encoders' load options (execution provider,
// onnxruntime and preprocessing threads; identity reads on the CPU without a pool); towers run on
// the tower thread and give what the same model gives in-process, with undecodable files as
// failures and a missing folder as the encoders' typed error; disposeAll ends the thread.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadClipModel } from '@negmine/encoders';
import { writeSyntheticImages, writeTinyClipModel } from '@negmine/encoders/testing';
import pino from 'pino';
import { liveTaskThreads } from '../../shared/task-thread';
import { encodingLoadOptions, inspectionLoadOptions } from './clip-model-settings';
import { ClipModels } from './clip-models';

const DIM = 16;

describe('CLIP load options', () => {
  const settings = { threads: 3, executionProvider: 'cuda', preprocessThreads: 2 } as const;

  it('encodes with the configured execution provider and thread counts', () => {
    expect(encodingLoadOptions(settings)).toEqual({
      intraOpThreads: 3,
      executionProvider: 'cuda',
      preprocessThreads: 2,
    });
  });

  it('reads a folder identity on the CPU without a preprocessing pool', () => {
    expect(inspectionLoadOptions(settings)).toEqual({
      intraOpThreads: 3,
      executionProvider: 'cpu',
      preprocessThreads: 0,
    });
  });
});

describe('ClipModels', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'negmine-clip-models-'));
  const modelDir = path.join(dir, 'model');
  const models = new ClipModels(
    { threads: 1, executionProvider: 'cpu', preprocessThreads: 1 },
    pino({ level: 'silent' }),
  );

  beforeAll(() => writeTinyClipModel(modelDir, { seed: 3, dim: DIM }));

  afterAll(async () => {
    await models.disposeAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a folder identity on the tower thread', async () => {
    const info = await models.inspect(modelDir);
    expect(info.embeddingDim).toBe(DIM);
    expect(info.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('runs both towers on the tower thread with the in-process results', async () => {
    const images = await writeSyntheticImages(path.join(dir, 'images'), 3, { seed: 5, maxSide: 200 });
    const broken = path.join(dir, 'images', 'broken.jpg');
    writeFileSync(broken, 'not an image');
    const files = [images[0]!, broken, images[1]!, images[2]!];
    const towers = await models.get(modelDir);
    expect(await models.get(modelDir)).toBe(towers);
    const reference = await loadClipModel(modelDir, { intraOpThreads: 1, preprocessThreads: 0 });
    try {
      expect(towers.contentHash).toBe(reference.contentHash);
      expect(towers.embeddingDim).toBe(DIM);
      expect(towers.centerCrop).toEqual(reference.image!.preprocessSpec.centerCrop);
      const encoded = await towers.encodeImageFiles(files);
      const inProcess = await reference.image!.encodeFiles(files, {});
      expect(encoded.files).toEqual(inProcess.files);
      expect(encoded.failures.map((f) => [f.path, f.code])).toEqual([[broken, 'IMAGE_DECODE_FAILED']]);
      expect(Array.from(encoded.embeddings)).toEqual(Array.from(inProcess.embeddings));
      const texts = ['a photo of a cat', 'a photo of a dog'];
      expect(Array.from(await towers.encodeTexts(texts))).toEqual(Array.from(await reference.text!.encode(texts)));
      const pixels = await reference.image!.preprocessFile(images[0]!);
      expect(Array.from(await towers.encodePixelValues([pixels]))).toEqual(
        Array.from(await reference.image!.encodePixelValues([pixels])),
      );
    } finally {
      await reference.dispose();
    }
  });

  it('answers a folder that is not a model with the encoders typed error, and can be asked again', async () => {
    const missing = path.join(dir, 'no-model');
    await expect(models.get(missing)).rejects.toMatchObject({ name: 'EncodersError', code: expect.any(String) });
    await expect(models.get(missing)).rejects.toMatchObject({ name: 'EncodersError' });
  });

  it('keeps a model that a task still uses when loading others evicts it', async () => {
    const images = await writeSyntheticImages(path.join(dir, 'many'), 48, { seed: 9, maxSide: 320 });
    const others = [1, 2].map((seed) => {
      const folder = path.join(dir, `other-${seed}`);
      writeTinyClipModel(folder, { seed: 10 + seed, dim: DIM });
      return folder;
    });
    const towers = await models.get(modelDir);
    // While the first folder's encode runs, two other folders load: the thread keeps two models.
    const encoding = towers.encodeImageFiles(images);
    await Promise.all(others.map((folder) => models.get(folder)));
    const encoded = await encoding;
    expect(encoded.failures).toEqual([]);
    expect(encoded.files).toHaveLength(images.length);
  }, 60_000);

  it('disposeAll ends the tower thread and refuses later encodes (no thread starts again)', async () => {
    const towers = await models.get(modelDir);
    expect(liveTaskThreads('tower-thread')).toBeGreaterThan(0);
    await models.disposeAll();
    expect(liveTaskThreads('tower-thread')).toBe(0);
    await expect(towers.encodeTexts(['a photo'])).rejects.toThrow(/shutting down/);
    await expect(models.get(modelDir)).rejects.toThrow(/shutting down/);
    expect(liveTaskThreads('tower-thread')).toBe(0);
  });
});
