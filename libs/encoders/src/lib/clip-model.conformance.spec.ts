// End-to-end conformance on the shared tiny-clip PyTorch export: text_embeds and image_embeds from
// files through loadClipModel within 1e-4 of PyTorch, any batch size and padding.
import path from 'node:path';
import { describeWithSharedFixtures, readJson, readNpy } from '@negmine/formats/testing';
import { loadClipModel, type ClipModel } from './clip-model';

// Model loading and image decoding share 2 CPU cores with other jobs: allow slow machines.
jest.setTimeout(60_000);

const EMBEDDING_TOLERANCE = 1e-4;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function goldenStrings(golden: string): string[] {
  return readJson<{ items: Array<{ text: string }> }>(path.join(golden, 'text_strings.json')).items.map((s) => s.text);
}

describeWithSharedFixtures('clip', 'tiny-clip conformance (PyTorch goldens)', (dir) => {
  const golden = path.join(dir, 'golden');
  let model: ClipModel;

  beforeAll(async () => {
    model = await loadClipModel(path.join(dir, 'tiny-clip'), { intraOpThreads: 1 });
  });
  afterAll(async () => {
    await model.dispose();
  });

  it('loads the separate-tower layout with raw text embeddings of width 32', () => {
    expect(model.layout).toBe('separate');
    expect(model.embeddingDim).toBe(32);
    expect(model.textEmbeddingsAreRaw).toBe(true);
    expect(model.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([[1], [7], [64]])('text_embeds of the 50 golden strings within 1e-4 (batch size %i)', async (batchSize) => {
    const strings = goldenStrings(golden);
    const expected = readNpy(path.join(golden, 'text_embeds.npy'));
    expect(expected.shape).toEqual([strings.length, 32]);
    const actual = await model.text!.encode(strings, { batchSize });
    expect(maxAbsDiff(actual, expected.data as Float32Array)).toBeLessThanOrEqual(EMBEDDING_TOLERANCE);
  });

  it('padding to 77 gives the same embeddings as dynamic padding', async () => {
    const strings = goldenStrings(golden);
    const dynamic = await model.text!.encode(strings);
    const fixed = await model.text!.encode(strings, { padding: 'max_length' });
    expect(maxAbsDiff(dynamic, fixed)).toBeLessThanOrEqual(EMBEDDING_TOLERANCE);
  });

  it('image_embeds of the 7 golden photos, decoded from files, within 1e-4', async () => {
    const manifest = readJson<{ image_order: string[] }>(path.join(golden, 'manifest.json'));
    const fileOf = (name: string): string =>
      path.join(golden, 'images', name === 'rocket' ? 'rocket.jpg' : `${name}.png`);
    const files = [...manifest.image_order.map(fileOf), path.join(golden, 'manifest.json')];
    const result = await model.image!.encodeFiles(files, { batchSize: 3 });
    expect(result.files).toEqual(files.slice(0, 7));
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]!.path).toBe(files[7]);
    const expected = readNpy(path.join(golden, 'image_embeds.npy'));
    expect(maxAbsDiff(result.embeddings, expected.data as Float32Array)).toBeLessThanOrEqual(EMBEDDING_TOLERANCE);
  });

  it('normalize option returns unit rows', async () => {
    const rows = await model.text!.encode(['a photo of a dog.', 'tench'], { normalize: true });
    for (let r = 0; r < 2; r++) {
      let s = 0;
      for (let j = 0; j < 32; j++) s += rows[r * 32 + j]! ** 2;
      expect(Math.sqrt(s)).toBeCloseTo(1, 5);
    }
  });
});
