// Shared helpers for benchmarks: flag parsing, timing, peak RSS and the one-JSON-line-per-figure output.
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';

export interface BenchFigure {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
}

export function numberFlags<T extends Record<string, number>>(argv: readonly string[], defaults: T): T {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: Object.fromEntries(Object.keys(defaults).map((k) => [k, { type: 'string' as const }])),
  });
  const out: Record<string, number> = { ...defaults };
  for (const [key, raw] of Object.entries(values)) {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new Error(`--${key} must be a number; got '${String(raw)}'`);
    out[key] = n;
  }
  return out as T;
}

/** The machine facts every figure carries, so numbers are never quoted without their hardware. */
export function machineParams(): Record<string, string | number> {
  return { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cpus: cpus().length };
}

export function report(bench: string, params: Record<string, unknown>, figures: readonly BenchFigure[]): void {
  for (const f of figures) {
    process.stdout.write(
      `${JSON.stringify({ bench, metric: f.metric, value: f.value, unit: f.unit, params: { ...params, ...machineParams() } })}\n`,
    );
  }
}

/** Samples resident set size while work runs; returns the peak in MB. */
export function trackPeakRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stop(): number {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return peak / (1024 * 1024);
    },
  };
}

export function percentile(sortedMs: readonly number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const idx = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[idx]!;
}
