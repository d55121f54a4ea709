// The sweep feature: validated hyperparameter sweeps (launch, read, page) and the `sweep` job, whose
// children are evaluation runs (it builds on the evaluation feature's inputs and records).
import { defineFeature } from '../../feature';
import type { RunService } from '../../runs/run.service';
import type { EmbeddingStore } from '../../shared/embedding-store';
import type { WordNetCorpus } from '../../shared/wordnet-corpus';
import type { EncodingService } from '../embedding';
import { EvaluationInputs, type EvaluationRepository, type EvaluationService } from '../evaluation';
import type { ImageSetRepository } from '../image-set';
import type { MiningRepository } from '../mining';
import { SweepJob } from './sweep.job';
import { SweepRepository } from './sweep.repository';
import { SweepResolver } from './sweep.resolver';
import { SweepService } from './sweep.service';

export { SweepService } from './sweep.service';

interface Needs {
  readonly evaluations: EvaluationService;
  readonly evaluationRepository: EvaluationRepository;
  readonly imageSetRepository: ImageSetRepository;
  readonly miningRepository: MiningRepository;
  readonly embeddings: EmbeddingStore;
  readonly encoding: EncodingService;
  readonly wordNet: WordNetCorpus;
  readonly runs: RunService;
}

export const sweepFeature = defineFeature({
  name: 'sweep',
  resolvers: [SweepResolver],
  needs: [
    'evaluations',
    'evaluationRepository',
    'imageSetRepository',
    'miningRepository',
    'embeddings',
    'encoding',
    'wordNet',
    'runs',
  ],
  createServices: ({ prisma, config }, needs: Needs) => {
    const sweepRepository = new SweepRepository(prisma);
    return {
      sweepRepository,
      sweeps: new SweepService(sweepRepository, needs.evaluations, needs.evaluationRepository, needs.runs, config),
    };
  },
  createJobs: (
    { sweepRepository, evaluationRepository, imageSetRepository, miningRepository, embeddings, encoding, wordNet },
    { config },
  ) => ({
    sweep: new SweepJob(
      sweepRepository,
      evaluationRepository,
      new EvaluationInputs(imageSetRepository, miningRepository, embeddings, encoding, wordNet),
      { threads: config.threads },
    ),
  }),
});
