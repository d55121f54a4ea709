// MCM and NegLabel against direct float64 evaluations of their formulas on small inputs.
import { MiningErrorCode } from '../errors';
import { groupWithSeed } from './grouping';
import { mcmScore } from './mcm.score';
import { neglabelScore } from './neglabel.score';
import { dot, stackRows, SyntheticEmbeddings, unitRows } from './synthetic-embeddings.testing';

describe('mcm and neglabel', () => {
  const gen = new SyntheticEmbeddings(5, 16);
  const idText = gen.labels(4);
  const negText = gen.labels(23);
  const images = stackRows(gen.imagesNear(idText, [0, 1, 2, 3], 0.8), gen.imagesNear(negText, [0, 7, 14], 0.8));
  const x = unitRows(images);
  const w = unitRows(idText);
  const v = unitRows(negText);

  it('mcm is the maximum softmax probability over the ID labels at T', async () => {
    for (const temperature of [1, 0.05]) {
      const result = await mcmScore.score(
        images,
        idText,
        undefined,
        { temperature },
        { precision: 'float64', chunkRows: 3 },
      );
      x.forEach((xi, i) => {
        const e = w.map((wc) => Math.exp(dot(xi, wc) / temperature));
        expect(result.scores[i]).toBeCloseTo(Math.max(...e) / e.reduce((a, b) => a + b, 0), 13);
      });
    }
    expect(mcmScore.resolveParams()).toEqual({ temperature: 1 });
  });

  it('neglabel is the mean over groups of A / (A + group mass), with the tail dropped', async () => {
    const result = await neglabelScore.score(images, idText, negText, { groups: 5, seed: 9 }, { precision: 'float64' });
    const grouping = groupWithSeed(23, 5, 9);
    expect(result.grouping).toEqual({ groups: 5, groupSize: 4, dropped: 3, seeds: [9], permutationGiven: false });
    x.forEach((xi, i) => {
      const a = w.reduce((s, wc) => s + Math.exp(dot(xi, wc) / 0.01), 0);
      let total = 0;
      for (let j = 0; j < 5; j++) {
        let g = 0;
        for (let r = j * 4; r < (j + 1) * 4; r++) g += Math.exp(dot(xi, v[grouping.order[r]!]!) / 0.01);
        total += a / (a + g);
      }
      expect(result.scores[i]).toBeCloseTo(total / 5, 12);
    });
    // ID images score higher than images drawn near negatives.
    expect(Math.min(...result.scores.slice(0, 4))).toBeGreaterThan(Math.max(...result.scores.slice(4)));
  });

  it('rejects non-finite and zero embeddings with typed errors', async () => {
    const bad = { data: Float32Array.from([1, Number.NaN, 0, 0]), rows: 2, cols: 2 };
    await expect(
      mcmScore.score(bad, { data: Float32Array.from([1, 0]), rows: 1, cols: 2 }, undefined),
    ).rejects.toMatchObject({ code: MiningErrorCode.NonFiniteValue });
    const zero = { data: Float32Array.from([0, 0]), rows: 1, cols: 2 };
    await expect(
      mcmScore.score(zero, { data: Float32Array.from([1, 0]), rows: 1, cols: 2 }, undefined),
    ).rejects.toMatchObject({ code: MiningErrorCode.InvalidInput });
    await expect(
      mcmScore.score({ data: new Float32Array(3), rows: 2, cols: 2 }, idText, undefined),
    ).rejects.toMatchObject({ code: MiningErrorCode.ShapeMismatch });
    await expect(
      mcmScore.score(images, idText, undefined, {}, { precision: 'float16' as never }),
    ).rejects.toMatchObject({ code: MiningErrorCode.InvalidParameter });
  });
});
