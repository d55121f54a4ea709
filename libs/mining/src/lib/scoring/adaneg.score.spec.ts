// AdaNeg: the memory rules (admission thresholds, capacity, replacement of the highest-entropy
// entry), an independent dense re-statement of the official per-batch procedure, and the
// dependence on stream order and batch size.
import { MiningErrorCode } from '../errors';
import { adanegScore } from './adaneg.score';
import { LabelMemory } from './adaneg-memory';
import { groupWithSeed } from './grouping';
import { neglabelScore } from './neglabel.score';
import type { EmbeddingMatrix } from './ood-score-method';
import { dot, stackRows, SyntheticEmbeddings, unitRows } from './synthetic-embeddings.testing';

const unit = (...values: number[]): Float64Array => {
  const norm = Math.hypot(...values);
  return Float64Array.from(values, (v) => v / norm);
};

describe('AdaNeg label memory', () => {
  it('stores memoryLength − 1 images beside the text slot, then counts as full', () => {
    const memory = new LabelMemory(unit(1, 0), 3);
    expect(memory.write(unit(0, 1), 0.5)).toEqual({ kind: 'stored', slot: 1 });
    expect(memory.write(unit(1, 1), 0.7)).toEqual({ kind: 'stored', slot: 2 });
    expect(memory.storedImages).toBe(2);
    // Full: an entry with higher entropy than every stored one is rejected, equal too (strict <).
    expect(memory.write(unit(-1, 0), 0.9)).toEqual({ kind: 'rejected' });
    expect(memory.write(unit(-1, 0), 0.7)).toEqual({ kind: 'rejected' });
  });

  it('replaces the highest-entropy entry with a lower-entropy image', () => {
    const memory = new LabelMemory(unit(1, 0), 3);
    memory.write(unit(0, 1), 0.9);
    memory.write(unit(1, 1), 0.4);
    expect(memory.write(unit(0, -1), 0.6)).toEqual({ kind: 'replaced', slot: 1 });
    expect(memory.entropyAt(1)).toBe(0.6);
    expect(memory.write(unit(0, -1), 0.5)).toEqual({ kind: 'replaced', slot: 1 });
    expect(memory.write(unit(0, -1), 0.45)).toEqual({ kind: 'replaced', slot: 1 });
    expect(memory.write(unit(0, -1), 0.1)).toEqual({ kind: 'replaced', slot: 1 });
    // Now slot 2 (0.4) holds the highest entropy.
    expect(memory.write(unit(0, -1), 0.2)).toEqual({ kind: 'replaced', slot: 2 });
  });

  it('breaks entropy ties towards the highest slot', () => {
    const memory = new LabelMemory(unit(1, 0), 3);
    memory.write(unit(0, 1), 0.5);
    memory.write(unit(1, 1), 0.5);
    expect(memory.write(unit(0, -1), 0.1)).toEqual({ kind: 'replaced', slot: 2 });
  });

  it('makes the proxy the normalised mean of text and stored images', () => {
    const memory = new LabelMemory(unit(1, 0), 10);
    expect(Array.from(memory.proxy())).toEqual([1, 0]);
    memory.write(unit(0, 1), 0.1);
    const proxy = memory.proxy();
    expect(proxy[0]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(proxy[1]).toBeCloseTo(Math.SQRT1_2, 15);
  });
});

/** A dense re-statement of TTAPromptPostprocessor_noadagap.postprocess (official tensor layout). */
function officialAdaneg(
  images: EmbeddingMatrix,
  idText: EmbeddingMatrix,
  negText: EmbeddingMatrix,
  p: { groups: number; seed: number; batchSize: number; memoryLength: number },
): number[] {
  const x = unitRows(images);
  const text = [...unitRows(idText), ...unitRows(negText)];
  const k = idText.rows;
  const labels = text.length;
  const t = 0.01;
  const grouping = groupWithSeed(negText.rows, p.groups, p.seed);
  const q = grouping.groupSize;
  const featMemory = text.map((w) => [w, ...Array.from({ length: p.memoryLength }, () => new Float64Array(w.length))]);
  const entropyMemory = text.map(() => new Array<number>(p.memoryLength + 1).fill(0));
  const indiceMemory = text.map(() => 1);
  const grouped = (logits: number[]): number => {
    let total = 0;
    const a = logits.slice(0, k).reduce((s, l) => s + Math.exp(l), 0);
    for (let j = 0; j < p.groups; j++) {
      let g = 0;
      for (let r = j * q; r < (j + 1) * q; r++) g += Math.exp(logits[k + grouping.order[r]!]!);
      total += a / (a + g);
    }
    return total / p.groups;
  };
  const softmaxEntropy = (logits: number[]): { arg: number; h: number } => {
    const max = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - max));
    const z = e.reduce((s, v) => s + v, 0);
    return { arg: logits.indexOf(max), h: -e.reduce((s, v) => s + (v / z) * Math.log(v / z + 1e-8), 0) };
  };
  const store = (label: number, feature: Float64Array, h: number): void => {
    if (indiceMemory[label] === p.memoryLength) {
      if (!entropyMemory[label]!.some((e) => h < e)) return;
      const worst = entropyMemory[label]!.lastIndexOf(Math.max(...entropyMemory[label]!));
      featMemory[label]![worst] = feature;
      entropyMemory[label]![worst] = h;
    } else {
      featMemory[label]![indiceMemory[label]!] = feature;
      entropyMemory[label]![indiceMemory[label]!] = h;
      indiceMemory[label]! += 1;
    }
  };
  const scores: number[] = [];
  for (let start = 0; start < x.length; start += p.batchSize) {
    const batch = x.slice(start, start + p.batchSize);
    const vanillaLogits = batch.map((xi) => text.map((w) => dot(xi, w) / t));
    const vanilla = vanillaLogits.map(grouped);
    batch.forEach((xi, i) => {
      if (vanilla[i]! > 0.75) {
        const { arg, h } = softmaxEntropy(vanillaLogits[i]!.slice(0, k));
        store(arg, xi, h);
      }
    });
    batch.forEach((xi, i) => {
      if (vanilla[i]! < 0.25) {
        const { arg, h } = softmaxEntropy(vanillaLogits[i]!.slice(k));
        store(k + arg, xi, h);
      }
    });
    const proxies = featMemory.map((slots) => {
      const mean = new Float64Array(slots[0]!.length);
      for (const s of slots) s.forEach((v, c) => (mean[c] = mean[c]! + v / slots.length));
      const norm = Math.sqrt(dot(mean, mean));
      return mean.map((v) => v / norm);
    });
    batch.forEach((xi, i) => {
      const adaptive = grouped(Array.from({ length: labels }, (_, l) => dot(xi, proxies[l]!) / t));
      scores.push(adaptive + 0.1 * vanilla[i]!);
    });
  }
  return scores;
}

describe('AdaNeg score', () => {
  const gen = new SyntheticEmbeddings(21, 24);
  const idText = gen.labels(6);
  const negText = gen.labels(42);
  // A stream that mixes confident ID images, confident OOD images (near negatives) and ambiguous ones.
  const images = stackRows(
    gen.imagesNear(idText, [0, 1, 2, 0, 3, 4, 5, 0, 1, 0, 0, 2], 0.7),
    gen.imagesNear(negText, [0, 5, 9, 5, 5, 20, 33, 41, 5], 0.7),
    gen.imagesNear(idText, [1, 2, 3], 1.6),
  );
  const order = [0, 12, 1, 13, 2, 14, 3, 15, 4, 16, 5, 17, 6, 18, 7, 19, 8, 20, 9, 21, 10, 22, 11, 23];
  const stream: EmbeddingMatrix = stackRows(
    ...order.map((r) => ({ data: images.data.subarray(r * 24, (r + 1) * 24), rows: 1, cols: 24 })),
  );
  const base = { groups: 5, seed: 3, batchSize: 4, memoryLength: 3 };

  it('matches a dense re-statement of the official per-batch procedure', async () => {
    const expected = officialAdaneg(stream, idText, negText, base);
    const result = await adanegScore.score(stream, idText, negText, base, { precision: 'float64' });
    expect(result.diagnostics!['idAdmissions']).toBeGreaterThan(0);
    expect(result.diagnostics!['negativeAdmissions']).toBeGreaterThan(0);
    expect(result.diagnostics!['replacements']).toBeGreaterThan(0);
    result.scores.forEach((s, i) =>
      expect(Math.abs(s - expected[i]!)).toBeLessThanOrEqual(1e-9 * Math.abs(expected[i]!)),
    );
    const f32 = await adanegScore.score(stream, idText, negText, base);
    f32.scores.forEach((s, i) => expect(Math.abs(s - expected[i]!)).toBeLessThanOrEqual(1e-4 * Math.abs(expected[i]!)));
  });

  it('admits exactly the images whose vanilla NegLabel score is above 0.75 (ID) or below 0.25 (negative)', async () => {
    const vanilla = await neglabelScore.score(
      stream,
      idText,
      negText,
      { temperature: 0.01, groups: 5, seed: 3 },
      { precision: 'float64' },
    );
    const result = await adanegScore.score(stream, idText, negText, base, { precision: 'float64' });
    const above = Array.from(vanilla.scores).filter((v) => v > 0.75).length;
    const below = Array.from(vanilla.scores).filter((v) => v < 0.25).length;
    expect(above).toBeGreaterThan(0);
    expect(below).toBeGreaterThan(0);
    expect(above + below).toBeLessThan(stream.rows);
    expect(result.diagnostics).toMatchObject({ idAdmissions: above, negativeAdmissions: below });
  });

  it('is (1 + lambda) × NegLabel when nothing is admitted', async () => {
    const vanilla = await neglabelScore.score(
      stream,
      idText,
      negText,
      { temperature: 0.01, groups: 5, seed: 3 },
      { precision: 'float64' },
    );
    const frozen = await adanegScore.score(
      stream,
      idText,
      negText,
      { ...base, idAdmission: 1, negativeAdmission: 0 },
      { precision: 'float64' },
    );
    expect(frozen.diagnostics).toMatchObject({ idAdmissions: 0, negativeAdmissions: 0 });
    frozen.scores.forEach((s, i) => expect(s).toBeCloseTo(1.1 * vanilla.scores[i]!, 12));
  });

  it('depends on the order of the test stream and on the batch size', async () => {
    const forward = await adanegScore.score(stream, idText, negText, base, { precision: 'float64' });
    const reversedStream = stackRows(
      ...[...Array(stream.rows).keys()]
        .reverse()
        .map((r) => ({ data: stream.data.subarray(r * 24, (r + 1) * 24), rows: 1, cols: 24 })),
    );
    const reversed = await adanegScore.score(reversedStream, idText, negText, base, { precision: 'float64' });
    const moved = Array.from(forward.scores).filter(
      (s, i) => Math.abs(s - reversed.scores[stream.rows - 1 - i]!) > 1e-9,
    );
    expect(moved.length).toBeGreaterThan(0);
    const single = await adanegScore.score(
      stream,
      idText,
      negText,
      { ...base, batchSize: 1 },
      { precision: 'float64' },
    );
    expect(Array.from(single.scores)).not.toEqual(Array.from(forward.scores));
    // With batch size 1 the first image is scored after only itself was absorbed: same as scoring it alone.
    const alone = await adanegScore.score(
      { data: stream.data.subarray(0, 24), rows: 1, cols: 24 },
      idText,
      negText,
      { ...base, batchSize: 1 },
      { precision: 'float64' },
    );
    expect(single.scores[0]).toBeCloseTo(alone.scores[0]!, 14);
  });

  it('validates its parameters', async () => {
    await expect(
      adanegScore.score(stream, idText, negText, { idAdmission: 0.2, negativeAdmission: 0.3 }),
    ).rejects.toMatchObject({
      code: MiningErrorCode.InvalidParameter,
      message: expect.stringContaining('must not exceed idAdmission'),
    });
    await expect(adanegScore.score(stream, idText, negText, { memoryLength: 1 })).rejects.toMatchObject({
      code: MiningErrorCode.InvalidParameter,
    });
    await expect(adanegScore.score(stream, idText, negText, { batchSize: 0 })).rejects.toMatchObject({
      code: MiningErrorCode.InvalidParameter,
    });
    await expect(adanegScore.score(stream, idText, undefined)).rejects.toMatchObject({
      code: MiningErrorCode.InvalidInput,
    });
  });
});
