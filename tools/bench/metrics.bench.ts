// `npm run bench -- metrics [--n 1000000] [--iterations 5] [--warmup 1] [--float32 0|1]`: wall time
// of evaluate() (one sort + every metric) on n ID + n OOD scores. Goal: under 1 s for 1M + 1M.
import { evaluate } from '@negmine/metrics';
import { numberFlags, report } from './bench-report';

/** Deterministic overlapping score sets (ID ~ N(1, 1), OOD ~ N(0, 1)) from a seeded xorshift32. */
function scoreSets(
  n: number,
  float32: boolean,
  seed: number,
): { idScores: Float64Array | Float32Array; oodScores: Float64Array | Float32Array } {
  let state = seed >>> 0 || 1;
  const uniform = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state + 0.5) / 2 ** 32;
  };
  const gaussian = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const make = (mean: number): Float64Array | Float32Array => {
    const out = float32 ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + gaussian();
    return out;
  };
  return { idScores: make(1), oodScores: make(0) };
}

export function main(argv: string[]): void {
  const flags = numberFlags(argv, { n: 1_000_000, iterations: 5, warmup: 1, float32: 0, seed: 7 });
  if (!Number.isInteger(flags.n) || flags.n < 1) throw new Error(`--n must be a positive integer; got ${flags.n}`);
  if (!Number.isInteger(flags.iterations) || flags.iterations < 1)
    throw new Error(`--iterations must be a positive integer; got ${flags.iterations}`);
  const float32 = flags.float32 !== 0;
  const sets = scoreSets(flags.n, float32, flags.seed);
  for (let i = 0; i < flags.warmup; i++) evaluate(sets);
  const seconds: number[] = [];
  let auroc = 0;
  for (let i = 0; i < flags.iterations; i++) {
    const start = process.hrtime.bigint();
    auroc = evaluate(sets).auroc;
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  seconds.sort((a, b) => a - b);
  const median = seconds[Math.floor((seconds.length - 1) / 2)]!;
  process.stderr.write(
    `metrics: n=${flags.n} per set, runs ${seconds.map((s) => s.toFixed(3)).join(' ')} s, auroc ${auroc.toFixed(6)}\n`,
  );
  report(
    'metrics',
    {
      n: flags.n,
      dtype: float32 ? 'float32' : 'float64',
      iterations: flags.iterations,
      warmup: flags.warmup,
      statistic: 'median',
      min_s: seconds[0],
      max_s: seconds[seconds.length - 1],
    },
    [{ metric: 'wall_s', value: median, unit: 's' }],
  );
}
