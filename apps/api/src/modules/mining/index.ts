// The mining feature: mining runs (record, list, page negatives), the `mine` job and its
// `encode-text` shards, the stored corpora, and the loaders of mining runs, corpora and counts.
import { defineFeature } from '../../feature';
import type { RunService } from '../../runs/run.service';
import type { EmbeddingStore } from '../../shared/embedding-store';
import { byId, keyed } from '../../shared/loaders';
import { WordNetCorpus } from '../../shared/wordnet-corpus';
import type { EncodingService } from '../embedding';
import type { LabelSetRepository } from '../label-set';
import type { ModelRepository } from '../model';
import { EncodeTextShardJob, MiningJob } from './mining.job';
import { MiningRepository } from './mining.repository';
import { MiningResolver } from './mining.resolver';
import { MiningService } from './mining.service';
import { negativeExportRoutes } from './negative-exports.routes';

export { MiningRepository, type CorpusRow } from './mining.repository';
export { MiningService } from './mining.service';
export { MiningRun } from './mining.type';
export { diagnoseNegatives } from './selection';

interface Needs {
  readonly labelSetRepository: LabelSetRepository;
  readonly modelRepository: ModelRepository;
  readonly embeddings: EmbeddingStore;
  readonly encoding: EncodingService;
  readonly runs: RunService;
}

export const miningFeature = defineFeature({
  name: 'mining',
  resolvers: [MiningResolver],
  needs: ['labelSetRepository', 'modelRepository', 'embeddings', 'encoding', 'runs'],
  createServices: ({ prisma, config }, needs: Needs) => {
    const miningRepository = new MiningRepository(prisma);
    // The WordNet corpus is built once per process (about a second) and shared by every feature.
    const wordNet = new WordNetCorpus();
    return {
      miningRepository,
      wordNet,
      mining: new MiningService(
        miningRepository,
        needs.labelSetRepository,
        needs.modelRepository,
        needs.embeddings,
        wordNet,
        needs.runs,
        config,
      ),
    };
  },
  createLoaders: ({ miningRepository }) => ({
    miningRun: byId((ids) => miningRepository.byIds(ids)),
    corpus: byId((ids) => miningRepository.corporaByIds(ids)),
    negativeCount: keyed((ids) => miningRepository.negativeCounts(ids), 0),
  }),
  createRoutes: ({ miningRepository }) => negativeExportRoutes(miningRepository),
  createJobs: ({ miningRepository, embeddings, encoding, wordNet }, { config }) => ({
    mine: new MiningJob(miningRepository, embeddings, encoding, wordNet, {
      threads: config.threads,
      shardSize: config.shardSize,
    }),
    'encode-text': new EncodeTextShardJob(miningRepository, encoding, wordNet),
  }),
});
