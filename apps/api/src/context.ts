// The per-request GraphQL context: the services (shared) and fresh DataLoaders (per request, so
// batching never leaks data between requests and a field over a list costs one query, not N).
import DataLoader from 'dataloader';
import type { ApiConfig } from './config';
import type { PrismaClient } from './db/prisma.service';
import type { Logger } from './logger';
import type { EvaluationService, ResultRow } from './modules/evaluation/evaluation.service';
import type { ImageSetService } from './modules/image-set/image-set.service';
import type { ImportService } from './modules/import/import.service';
import type { LabelSetService } from './modules/label-set/label-set.service';
import type { MiningService } from './modules/mining/mining.service';
import type { ModelService } from './modules/model/model.service';
import type { RunService } from './modules/run/run.service';

export interface ApiServices {
  readonly config: ApiConfig;
  readonly prisma: PrismaClient;
  readonly logger: Logger;
  readonly labelSets: LabelSetService;
  readonly models: ModelService;
  readonly imageSets: ImageSetService;
  readonly imports: ImportService;
  readonly mining: MiningService;
  readonly evaluations: EvaluationService;
  readonly runs: RunService;
}

type Row<K extends keyof PrismaClient> = PrismaClient[K] extends { findMany(args: never): Promise<(infer R)[]> } ? R : never;

function byId<T extends { id: string }>(load: (ids: string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await load([...ids]);
    const map = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

function groupedBy<T>(load: (keys: string[]) => Promise<T[]>, keyOf: (row: T) => string): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (keys) => {
    const rows = await load([...keys]);
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const key = keyOf(row);
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}

export function createLoaders(prisma: PrismaClient, evaluations: Pick<EvaluationService, 'resultsOfSucceededRuns'>, models: Pick<ModelService, 'byIds'>) {
  return {
    labelSet: byId<Row<'labelSet'>>((ids) => prisma.labelSet.findMany({ where: { id: { in: ids } } })),
    // Model rows never change once registered: the service caches them across requests.
    model: new DataLoader<string, Row<'encoderModel'> | null>(async (ids) => models.byIds(ids)),
    imageSet: byId<Row<'imageSet'>>((ids) => prisma.imageSet.findMany({ where: { id: { in: ids } } })),
    corpus: byId<Row<'corpus'>>((ids) => prisma.corpus.findMany({ where: { id: { in: ids } }, omit: { entries: true } }) as never),
    miningRun: byId<Row<'miningRun'>>((ids) => prisma.miningRun.findMany({ where: { id: { in: ids } } })),
    // Results without their curves: most lists never ask for them, and they are most of the bytes.
    evaluationResults: groupedBy<Omit<Row<'evaluationResult'>, 'rocPoints' | 'histograms'>>(
      (ids) => prisma.evaluationResult.findMany({ where: { evaluationRunId: { in: ids } }, omit: { rocPoints: true, histograms: true } }),
      (row) => row.evaluationRunId,
    ),
    // Results of runs read as succeeded in this request: cached by the service across requests.
    succeededEvaluationResults: new DataLoader<string, readonly ResultRow[]>(async (ids) => evaluations.resultsOfSucceededRuns(ids)),
    groupPermutation: new DataLoader<string, Uint8Array | null>(async (ids) => {
      const rows = await prisma.evaluationRun.findMany({ where: { id: { in: [...ids] } }, select: { id: true, groupPermutation: true } });
      const map = new Map(rows.map((row) => [row.id, row.groupPermutation]));
      return ids.map((id) => map.get(id) ?? null);
    }),
    evaluationCurves: new DataLoader<string, { rocPoints: unknown; histograms: unknown } | null>(async (keys) => {
      const pairs = keys.map((key) => key.split('/') as [string, string]);
      const rows = await prisma.evaluationResult.findMany({
        where: { OR: pairs.map(([evaluationRunId, oodImageSetId]) => ({ evaluationRunId, oodImageSetId })) },
        select: { evaluationRunId: true, oodImageSetId: true, rocPoints: true, histograms: true },
      });
      const map = new Map(rows.map((row) => [`${row.evaluationRunId}/${row.oodImageSetId}`, row]));
      return keys.map((key) => map.get(key) ?? null);
    }),
    negativeCount: new DataLoader<string, number>(async (ids) => {
      const counts = await prisma.negativeLabel.groupBy({ by: ['miningRunId'], where: { miningRunId: { in: [...ids] } }, _count: { _all: true } });
      const map = new Map(counts.map((row) => [row.miningRunId, row._count._all]));
      return ids.map((id) => map.get(id) ?? 0);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

export interface ApiContext {
  readonly services: ApiServices;
  readonly loaders: Loaders;
  readonly logger: Logger;
}

export function createContext(services: ApiServices): ApiContext {
  return { services, loaders: createLoaders(services.prisma, services.evaluations, services.models), logger: services.logger };
}
