// The in-memory cache (LRU, copies, per-model keys) and the cached text encode (model runs on misses only).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeTinyClipModel } from '../testing';
import { loadClipModel, type ClipModel } from './clip-model';
import { InMemoryEmbeddingCache, encodeTextsCached, textInputKey } from './embedding-cache';

// Model loading and image decoding share 2 CPU cores with other jobs: allow slow machines.
jest.setTimeout(60_000);

describe('InMemoryEmbeddingCache', () => {
  it('keys by model hash and evicts the least recently used entry', async () => {
    const cache = new InMemoryEmbeddingCache(2);
    await cache.putMany('m1', [{ key: 'a', embedding: Float32Array.from([1]) }]);
    await cache.putMany('m2', [{ key: 'a', embedding: Float32Array.from([2]) }]);
    expect((await cache.getMany('m1', ['a']))[0]).toEqual(Float32Array.from([1]));
    await cache.putMany('m1', [{ key: 'b', embedding: Float32Array.from([3]) }]);
    expect(await cache.getMany('m2', ['a'])).toEqual([undefined]);
    expect(cache.size).toBe(2);
  });

  it('returns copies, so callers cannot corrupt entries', async () => {
    const cache = new InMemoryEmbeddingCache();
    const row = Float32Array.from([1, 2]);
    await cache.putMany('m', [{ key: 'k', embedding: row }]);
    row[0] = 99;
    const [hit] = await cache.getMany('m', ['k']);
    hit![1] = 99;
    expect((await cache.getMany('m', ['k']))[0]).toEqual(Float32Array.from([1, 2]));
  });

  it('keys texts exactly as given', () => {
    expect(textInputKey('dog')).not.toBe(textInputKey('dog '));
  });
});

describe('encodeTextsCached', () => {
  let root: string;
  let model: ClipModel;
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'negmine-cache-'));
    writeTinyClipModel(root, { seed: 9 });
    model = await loadClipModel(root, { towers: 'text' });
  });
  afterAll(async () => {
    await model.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('equals a direct encode and runs the model only for misses', async () => {
    const cache = new InMemoryEmbeddingCache();
    const texts = ['dog', 'cat', 'a photo of a bird'];
    const direct = await model.text!.encode(texts);
    const first = await encodeTextsCached(model.text!, model.contentHash, cache, texts.slice(0, 2));
    expect(first).toEqual(direct.slice(0, 2 * model.embeddingDim));
    const spy = jest.spyOn(model.text!, 'encode');
    const second = await encodeTextsCached(model.text!, model.contentHash, cache, texts);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]![0]).toEqual(['a photo of a bird']);
    expect(second).toEqual(direct);
    spy.mockRestore();
  });
});
