// The debiased score: official arithmetic vs the guard, the tau = 1 reduction, stability near
// cosine 1, permutations, and parameter validation.
import { MiningError, MiningErrorCode } from '../errors';
import { debiasedScore } from './debiased.score';
import { groupWithSeed } from './grouping';
import { neglabelScore } from './neglabel.score';
import type { EmbeddingMatrix } from './ood-score-method';
import { dot, stackRows, SyntheticEmbeddings, unitRows } from './synthetic-embeddings.testing';

const DIM = 32;

/** Independent float64 reference of the official arithmetic (no shift; fine at T = 0.01 in float64). */
function officialPartitions(
  images: EmbeddingMatrix,
  idText: EmbeddingMatrix,
  negText: EmbeddingMatrix,
  groups: number,
  seed: number,
  t: number,
  tau: number,
) {
  const x = unitRows(images);
  const w = unitRows(idText);
  const v = unitRows(negText);
  const grouping = groupWithSeed(negText.rows, groups, seed);
  const q = grouping.groupSize;
  const k = idText.rows;
  return x.map((xi) => {
    const a = w.reduce((s, wc) => s + Math.exp(dot(xi, wc) / t), 0);
    const z: number[] = [];
    for (let j = 0; j < groups; j++) {
      let sum = 0;
      for (let r = j * q; r < (j + 1) * q; r++) sum += Math.exp(dot(xi, v[grouping.order[r]!]!) / t);
      z.push(a + q * (sum / q / tau - ((1 - tau) / tau) * (a / k)));
    }
    const score = (a / k) * (z.reduce((s, zj) => s + 1 / zj, 0) / groups);
    return { z, score };
  });
}

describe('debiased score', () => {
  // K = 10, Q = 120, tau = 0.5 < Q/(K + Q): the small-label-set case where Z_j ≤ 0 is possible.
  const gen = new SyntheticEmbeddings(7, DIM);
  const idText = gen.labels(10);
  const negText = gen.labels(360);
  const images = stackRows(
    gen.imagesNear(idText, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4], 0.6),
    gen.imagesNear(negText, [3, 50, 100, 150, 200, 250, 300, 350], 0.6),
    gen.imagesNear(idText, [5, 6, 7], 2.5),
  );
  const params = { temperature: 0.01, groups: 3, tau: 0.5, seed: 11 };

  it('differs from the official arithmetic exactly on the images where some Z_j ≤ 0, and counts them', async () => {
    const reference = officialPartitions(images, idText, negText, 3, 11, 0.01, 0.5);
    const nonPositive = reference.map((r) => r.z.some((z) => z <= 0));
    expect(nonPositive.filter(Boolean).length).toBeGreaterThan(0);
    expect(nonPositive.filter((b) => !b).length).toBeGreaterThan(0);

    const official = await debiasedScore.score(
      images,
      idText,
      negText,
      { ...params, guard: 'none' },
      { precision: 'float64' },
    );
    const guarded = await debiasedScore.score(images, idText, negText, params, { precision: 'float64' });
    const differs = Array.from(
      official.scores,
      (s, i) => Math.abs(s - guarded.scores[i]!) > 1e-12 * Math.abs(guarded.scores[i]!),
    );
    expect(differs).toEqual(nonPositive);
    expect(guarded.guardHits).toBe(nonPositive.filter(Boolean).length);
    expect(official.guardHits).toBe(0);
    // The official arithmetic reproduces the reference where it is well defined, and flips signs where not.
    reference.forEach((r, i) => {
      if (!nonPositive[i])
        expect(Math.abs(official.scores[i]! - r.score)).toBeLessThanOrEqual(1e-9 * Math.abs(r.score));
    });
    expect(Array.from(official.scores).some((s) => s < 0 || !Number.isFinite(s))).toBe(true);
    expect(Array.from(guarded.scores).every((s) => Number.isFinite(s) && s > 0)).toBe(true);
  });

  it('offers the literal estimate clamp (g_j ≥ exp(−1/T)), which changes scores wherever g_j < exp(−1/T)', async () => {
    const t = 0.01;
    const x = unitRows(images);
    const w = unitRows(idText);
    const v = unitRows(negText);
    const grouping = groupWithSeed(360, 3, 11);
    const below = x.map((xi) => {
      const mPos = w.reduce((s, wc) => s + Math.exp(dot(xi, wc) / t), 0) / 10;
      return [0, 1, 2].some((j) => {
        let m = 0;
        for (let r = j * 120; r < (j + 1) * 120; r++) m += Math.exp(dot(xi, v[grouping.order[r]!]!) / t) / 120;
        return m / 0.5 - mPos < Math.exp(-1 / t);
      });
    });
    const official = await debiasedScore.score(
      images,
      idText,
      negText,
      { ...params, guard: 'none' },
      { precision: 'float64' },
    );
    const estimate = await debiasedScore.score(
      images,
      idText,
      negText,
      { ...params, guard: 'estimate' },
      { precision: 'float64' },
    );
    const differs = Array.from(
      official.scores,
      (s, i) => Math.abs(s - estimate.scores[i]!) > 1e-12 * Math.abs(estimate.scores[i]!),
    );
    expect(differs).toEqual(below);
    expect(estimate.guardHits).toBe(below.filter(Boolean).length);
    // With tau ≥ Q/(K + Q) no Z_j can be ≤ 0, yet g_j < exp(−1/T) still happens on confident ID
    // images: the reason the default clamps Z_j, which leaves the paper's scores untouched there.
    const safeEstimate = await debiasedScore.score(
      images,
      idText,
      negText,
      { ...params, tau: 0.95, guard: 'estimate' },
      { precision: 'float64' },
    );
    const safeDefault = await debiasedScore.score(
      images,
      idText,
      negText,
      { ...params, tau: 0.95 },
      { precision: 'float64' },
    );
    expect(safeEstimate.guardHits).toBeGreaterThan(0);
    expect(safeDefault.guardHits).toBe(0);
  });

  it('warns, without failing, when tau < Q/(K + Q)', async () => {
    const result = await debiasedScore.score(images, idText, negText, params);
    expect(result.warnings.map((w) => w.code)).toEqual(['TAU_ALLOWS_NONPOSITIVE_PARTITION']);
    expect(result.warnings[0]!.details['bound']).toBeCloseTo(120 / 130, 12);
    const safe = await debiasedScore.score(images, idText, negText, { ...params, tau: 0.95 });
    expect(safe.warnings).toEqual([]);
  });

  it('reduces to neglabel / K when tau = 1', async () => {
    const debiased = await debiasedScore.score(
      images,
      idText,
      negText,
      { ...params, tau: 1 },
      { precision: 'float64' },
    );
    const neglabel = await neglabelScore.score(
      images,
      idText,
      negText,
      { temperature: 0.01, groups: 3, seed: 11 },
      { precision: 'float64' },
    );
    debiased.scores.forEach((s, i) => expect(Math.abs(s - neglabel.scores[i]! / 10)).toBeLessThanOrEqual(1e-12 * s));
    expect(debiased.guardHits).toBe(0);
  });

  it('stays finite and exact when cosines approach 1 at a small temperature', async () => {
    // At T = 0.001, exp(s/T) overflows float64 for s > 0.71; the row-max shift keeps everything finite.
    const near = gen.imagesNear(idText, [0, 1, 2], 0.001);
    const far = await debiasedScore.score(
      near,
      idText,
      negText,
      { ...params, temperature: 0.001, tau: 1 },
      { precision: 'float64' },
    );
    const neglabel = await neglabelScore.score(
      near,
      idText,
      negText,
      { temperature: 0.001, groups: 3, seed: 11 },
      { precision: 'float64' },
    );
    far.scores.forEach((s, i) => {
      expect(Number.isFinite(s)).toBe(true);
      expect(s).toBeCloseTo(neglabel.scores[i]! / 10, 12);
      expect(s).toBeCloseTo(0.1, 6);
    });
    const single = await debiasedScore.score(
      near,
      idText,
      negText,
      { ...params, temperature: 0.001, tau: 0.95 },
      { precision: 'float32' },
    );
    single.scores.forEach((s) => expect(Number.isFinite(s)).toBe(true));
    // Guarded at T = 0.01 (every image here has Z_j ≤ 0): the clamp keeps scores finite and positive.
    const guarded = await debiasedScore.score(near, idText, negText, params, { precision: 'float32' });
    expect(guarded.guardHits).toBe(3);
    guarded.scores.forEach((s) => expect(Number.isFinite(s) && s > 0).toBe(true));
  });

  it('agrees between float32 and float64 within 1e-4 relative', async () => {
    const f64 = await debiasedScore.score(images, idText, negText, { ...params, tau: 0.95 }, { precision: 'float64' });
    const f32 = await debiasedScore.score(
      images,
      idText,
      negText,
      { ...params, tau: 0.95 },
      { precision: 'float32', chunkRows: 7 },
    );
    f64.scores.forEach((s, i) => expect(Math.abs(f32.scores[i]! - s)).toBeLessThanOrEqual(1e-4 * s));
  });

  it('averages P seeded permutations and reports the per-image std', async () => {
    const p = { ...params, tau: 0.95, permutations: 3, seed: 20 };
    const result = await debiasedScore.score(images, idText, negText, p, { precision: 'float64' });
    const singles = await Promise.all(
      [20, 21, 22].map((seed) =>
        debiasedScore.score(images, idText, negText, { ...params, tau: 0.95, seed }, { precision: 'float64' }),
      ),
    );
    expect(result.grouping?.seeds).toEqual([20, 21, 22]);
    result.scores.forEach((mean, i) => {
      const values = singles.map((s) => s.scores[i]!);
      const expectedMean = values.reduce((a, b) => a + b, 0) / 3;
      const expectedStd = Math.sqrt(values.reduce((a, v) => a + (v - expectedMean) ** 2, 0) / 3);
      expect(mean).toBeCloseTo(expectedMean, 12);
      expect(result.std![i]).toBeCloseTo(expectedStd, 12);
    });
    expect(Array.from(result.std!).some((s) => s > 0)).toBe(true);
  });

  it('uses a given permutation and rejects it together with permutations > 1', async () => {
    const identity = Int32Array.from({ length: 360 }, (_, i) => i);
    const given = await debiasedScore.score(
      images,
      idText,
      negText,
      { ...params, tau: 0.95 },
      { precision: 'float64', permutation: identity },
    );
    expect(given.grouping).toEqual({ groups: 3, groupSize: 120, dropped: 0, seeds: [], permutationGiven: true });
    const seeded = await debiasedScore.score(
      images,
      idText,
      negText,
      { ...params, tau: 0.95 },
      { precision: 'float64' },
    );
    expect(Array.from(given.scores)).not.toEqual(Array.from(seeded.scores));
    await expect(
      debiasedScore.score(images, idText, negText, { ...params, permutations: 2 }, { permutation: identity }),
    ).rejects.toMatchObject({
      code: MiningErrorCode.InvalidParameter,
    });
  });

  it.each([
    [{ temperature: 0 }, /temperature must be/],
    [{ temperature: -1 }, /temperature must be/],
    [{ groups: 0 }, /groups must be/],
    [{ groups: 361 }, /groups must be an integer in \[1, N\] where N = 360/],
    [{ groups: 2.5 }, /groups must be/],
    [{ tau: 0 }, /tau must be .*\(0, 1\]/],
    [{ tau: 1.01 }, /tau must be/],
    [{ guard: 'soft' }, /guard must be one of clamp, estimate, none/],
    [{ permutations: 0 }, /permutations must be/],
    [{ tauu: 0.5 }, /has no parameter 'tauu'/],
  ])('rejects %j with a typed error', async (bad, message) => {
    const error = await debiasedScore.score(images, idText, negText, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MiningError);
    expect((error as MiningError).code).toBe(MiningErrorCode.InvalidParameter);
    expect((error as MiningError).message).toMatch(message);
  });

  it('rejects missing negatives and mismatched dimensions', async () => {
    await expect(debiasedScore.score(images, idText, undefined)).rejects.toMatchObject({
      code: MiningErrorCode.InvalidInput,
    });
    const narrow = new SyntheticEmbeddings(1, 16).labels(4);
    await expect(debiasedScore.score(images, idText, narrow)).rejects.toMatchObject({
      code: MiningErrorCode.ShapeMismatch,
    });
  });
});
