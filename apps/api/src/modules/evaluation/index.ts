// The evaluation feature: evaluation runs (launch, list, compare), the `evaluate` job and its
// `encode-images` shards, and the loaders of results, curves and given permutations.
import DataLoader from 'dataloader';
import { defineFeature } from '../../feature';
import type { RunService } from '../../runs/run.service';
import type { EmbeddingStore } from '../../shared/embedding-store';
import { groupedBy } from '../../shared/loaders';
import type { WordNetCorpus } from '../../shared/wordnet-corpus';
import type { EncodingService } from '../embedding';
import type { DecodeFailureRepository, ImageSetRepository } from '../image-set';
import type { LabelSetRepository } from '../label-set';
import type { MiningRepository } from '../mining';
import type { ModelRepository } from '../model';
import { EncodeImagesShardJob, EvaluationInputs, EvaluationJob } from './evaluation.job';
import { EvaluationRepository, type ResultRow } from './evaluation.repository';
import { EvaluationResolver, EvaluationResultResolver } from './evaluation.resolver';
import { EvaluationService } from './evaluation.service';
import { evaluationScoresRoutes } from './evaluation-scores.routes';

export { EvaluationRepository } from './evaluation.repository';
export { EvaluationService } from './evaluation.service';
export {
  EvaluationInputs,
  evaluationRecord,
  scoringParams,
  type EvaluationRecord,
  type EvaluationSource,
  type GatheredInputs,
} from './evaluation.job';

interface Needs {
  readonly labelSetRepository: LabelSetRepository;
  readonly modelRepository: ModelRepository;
  readonly imageSetRepository: ImageSetRepository;
  readonly decodeFailureRepository: DecodeFailureRepository;
  readonly miningRepository: MiningRepository;
  readonly embeddings: EmbeddingStore;
  readonly encoding: EncodingService;
  readonly wordNet: WordNetCorpus;
  readonly runs: RunService;
}

export const evaluationFeature = defineFeature({
  name: 'evaluation',
  resolvers: [EvaluationResolver, EvaluationResultResolver],
  needs: [
    'labelSetRepository',
    'modelRepository',
    'imageSetRepository',
    'decodeFailureRepository',
    'miningRepository',
    'embeddings',
    'encoding',
    'wordNet',
    'runs',
  ],
  createServices: ({ prisma, config }, needs: Needs) => {
    const evaluationRepository = new EvaluationRepository(prisma);
    return {
      evaluationRepository,
      evaluations: new EvaluationService(
        evaluationRepository,
        needs.labelSetRepository,
        needs.modelRepository,
        needs.imageSetRepository,
        needs.miningRepository,
        needs.runs,
        config,
      ),
    };
  },
  createLoaders: ({ evaluationRepository, evaluations }) => ({
    // Results without their curves: most lists never ask for them, and they are most of the bytes.
    evaluationResults: groupedBy<ResultRow>(
      (ids) => evaluationRepository.resultsOf(ids),
      (row) => row.evaluationRunId,
    ),
    // Results of runs read as succeeded in this request: cached by the service across requests.
    succeededEvaluationResults: new DataLoader<string, readonly ResultRow[]>(async (ids) =>
      evaluations.resultsOfSucceededRuns(ids),
    ),
    groupPermutation: new DataLoader<string, Uint8Array | null>(async (ids) => {
      const map = new Map(
        (await evaluationRepository.groupPermutations(ids)).map((row) => [row.id, row.groupPermutation]),
      );
      return ids.map((id) => map.get(id) ?? null);
    }),
    evaluationCurves: new DataLoader<string, { rocPoints: unknown; histograms: unknown } | null>(async (keys) => {
      const rows = await evaluationRepository.curves(keys.map((key) => key.split('/') as [string, string]));
      const map = new Map(rows.map((row) => [`${row.evaluationRunId}/${row.oodImageSetId}`, row]));
      return keys.map((key) => map.get(key) ?? null);
    }),
  }),
  createRoutes: ({ evaluationRepository, imageSetRepository }) =>
    evaluationScoresRoutes(evaluationRepository, imageSetRepository),
  createJobs: (
    {
      evaluationRepository,
      modelRepository,
      imageSetRepository,
      decodeFailureRepository,
      miningRepository,
      embeddings,
      encoding,
      wordNet,
    },
    { config },
  ) => ({
    evaluate: new EvaluationJob(
      evaluationRepository,
      new EvaluationInputs(imageSetRepository, miningRepository, embeddings, encoding, wordNet),
      { threads: config.threads },
    ),
    'encode-images': new EncodeImagesShardJob(
      evaluationRepository,
      modelRepository,
      imageSetRepository,
      decodeFailureRepository,
      encoding,
    ),
  }),
});
