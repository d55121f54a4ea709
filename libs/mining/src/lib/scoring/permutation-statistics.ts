// Per-image mean and population standard deviation of scores over P random groupings, so users see
// how much the random grouping moves each score. Internal.

/** Welford accumulator over P score vectors of equal length (numerically stable in one pass). */
export class PermutationStatistics {
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private count = 0;

  constructor(length: number) {
    this.mean = new Float64Array(length);
    this.m2 = new Float64Array(length);
  }

  add(scores: Float64Array): void {
    this.count += 1;
    for (let i = 0; i < scores.length; i++) {
      const delta = scores[i]! - this.mean[i]!;
      this.mean[i] = this.mean[i]! + delta / this.count;
      this.m2[i] = this.m2[i]! + delta * (scores[i]! - this.mean[i]!);
    }
  }

  result(): { mean: Float64Array; std: Float64Array } {
    const std = new Float64Array(this.mean.length);
    for (let i = 0; i < std.length; i++) std[i] = Math.sqrt(this.m2[i]! / this.count);
    return { mean: this.mean, std };
  }
}
