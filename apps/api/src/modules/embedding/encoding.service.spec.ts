// Shard planning (only ranges containing work become shards), the stored reason of a failed file,
// and encoding in steps (each stored before the next; a stop between steps keeps the earlier ones).
import { silentLogger } from '../../../test/support/test-services';
import type { EmbeddingStore } from '../../shared/embedding-store';
import type { ClipModels } from '../model/clip-models';
import {
  boundedFailureMessage,
  EncodingService,
  IMAGE_ENCODE_STEP,
  MAX_FAILURE_MESSAGE_LENGTH,
  PROMPT_ENCODE_STEP,
  shardRanges,
} from './encoding.service';

describe('shardRanges', () => {
  it('cuts [0, count) into ranges of the shard size and keeps those with missing rows', () => {
    expect(shardRanges(10, 4, new Set([0, 9]))).toEqual([
      [0, 4],
      [8, 10],
    ]);
    expect(shardRanges(10, 4, new Set())).toEqual([]);
    expect(shardRanges(3, 512, new Set([1]))).toEqual([[0, 3]]);
  });
});

describe('boundedFailureMessage', () => {
  it('names the file by its path in the set, drops control characters and bounds the length', () => {
    expect(
      boundedFailureMessage(
        'cannot decode image /srv/images/pets/a/b.png: Input buffer contains\nunsupported image format',
        '/srv/images/pets/a/b.png',
        'a/b.png',
      ),
    ).toBe('cannot decode image a/b.png: Input buffer contains unsupported image format');
    const long = boundedFailureMessage(`x${'y'.repeat(2000)}`, '/f', 'f');
    expect(long).toHaveLength(MAX_FAILURE_MESSAGE_LENGTH);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('EncodingService steps', () => {
  const dim = 2;
  /** A cache that stores in memory and aborts `controller` after its first write. */
  function abortingStore(controller: AbortController) {
    const stored = new Set<string>();
    const writes: number[] = [];
    const store = {
      missing: async (_kind: string, _model: string, hashes: readonly string[]) => hashes.filter((h) => !stored.has(h)),
      store: async (_kind: string, _model: string, rows: readonly { inputHash: string }[]) => {
        for (const row of rows) stored.add(row.inputHash);
        writes.push(rows.length);
        controller.abort(new Error('stopped by the test'));
      },
    };
    return { store: store as unknown as EmbeddingStore, stored, writes };
  }
  const model = {
    embeddingDim: dim,
    encodeImageFiles: async (files: readonly string[]) => ({
      embeddings: new Float32Array(files.length * dim),
      embeddingDim: dim,
      files: [...files],
      failures: [],
    }),
    encodeTexts: async (texts: readonly string[]) => new Float32Array(texts.length * dim),
  };
  const clipModels = { get: async () => model } as unknown as ClipModels;

  it('stores each step of images before the next and stops between steps, keeping what was stored', async () => {
    const controller = new AbortController();
    const cache = abortingStore(controller);
    const service = new EncodingService(clipModels, cache.store, silentLogger);
    const images = Array.from({ length: IMAGE_ENCODE_STEP * 3 }, (_, i) => ({
      position: i,
      path: `img-${i}.png`,
      inputHash: `h${i}`,
    }));
    await expect(service.encodeImages('/m', 'mh', '/imgs', images, 'run', controller.signal)).rejects.toThrow(
      'stopped by the test',
    );
    expect(cache.writes).toEqual([IMAGE_ENCODE_STEP]);
    // A second call (the re-sent shard) encodes only the rest.
    const outcome = await service.encodeImages('/m', 'mh', '/imgs', images, 'run');
    expect(cache.writes).toEqual([IMAGE_ENCODE_STEP, IMAGE_ENCODE_STEP, IMAGE_ENCODE_STEP]);
    expect([...outcome.encoded].sort((a, b) => a - b)).toEqual(images.map((image) => image.position));
  });

  it('encodes prompts in steps and stops between them', async () => {
    const controller = new AbortController();
    const cache = abortingStore(controller);
    const service = new EncodingService(clipModels, cache.store, silentLogger);
    const prompts = Array.from({ length: PROMPT_ENCODE_STEP + 5 }, (_, i) => `a photo of a word${i}`);
    await expect(service.encodePrompts('/m', 'mh', prompts, controller.signal)).rejects.toThrow('stopped by the test');
    expect(cache.writes).toEqual([PROMPT_ENCODE_STEP]);
    await service.encodePrompts('/m', 'mh', prompts);
    expect(cache.writes).toEqual([PROMPT_ENCODE_STEP, 5]);
  });
});
