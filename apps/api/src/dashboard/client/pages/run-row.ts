// The evaluation-run row shape of the runs page and its derived values (means in either FPR95
// convention), shared with the CSV export.
import { mean } from '../ui/format';

export type FprConvention = 'fprAtTprId' | 'fprAtTprOod';

export const FPR_CONVENTIONS: readonly { readonly id: FprConvention; readonly short: string; readonly long: string }[] =
  [
    { id: 'fprAtTprId', short: 'fprAtTprId', long: 'ID positive (the paper, MCM, NegLabel)' },
    { id: 'fprAtTprOod', short: 'fprAtTprOod', long: 'OOD positive (OpenOOD v1.5)' },
  ];

/** The header/tooltip text of a convention: "FPR at 95% TPR, ID positive (…)". */
export function conventionTitle(info: { readonly long: string }): string {
  return `FPR at 95% TPR, ${info.long}`;
}

export function convention(value: string | null): FprConvention {
  return value === 'fprAtTprOod' ? 'fprAtTprOod' : 'fprAtTprId';
}

export interface RunResultRow {
  readonly oodImageSetId: string;
  readonly oodImageSet: { readonly name: string };
  readonly fprAtTprId: number;
  readonly fprAtTprOod: number;
  readonly auroc: number;
  readonly auprIn: number;
  readonly auprOut: number;
}

export interface RunRow {
  readonly id: string;
  readonly method: string;
  status: string;
  progress: number;
  statusReason: string | null;
  readonly errorCode: string | null;
  readonly params: unknown;
  readonly seed: number;
  readonly permutations: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly miningRunId: string | null;
  /** The OOD sets the run evaluates (its results appear when it succeeds). */
  readonly oodImageSetIds: readonly string[];
  readonly labelSet: { readonly id: string; readonly name: string };
  readonly model: { readonly id: string; readonly name: string };
  readonly results: readonly RunResultRow[];
}

export function meanMetric(run: RunRow, key: FprConvention | 'auroc' | 'auprIn' | 'auprOut'): number | undefined {
  return mean(run.results.map((result) => result[key]));
}
