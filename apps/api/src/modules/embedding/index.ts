// The embedding feature: encoding prompts and images into the embedding caches (the caches
// themselves are shared: shared/embedding-store.ts). Mining and evaluation build on it.
import { defineFeature } from '../../feature';
import { EmbeddingStore } from '../../shared/embedding-store';
import type { ClipModels } from '../model';
import { EncodingService } from './encoding.service';

export {
  boundedFailureMessage,
  EncodingService,
  shardRanges,
  type ImageEncodeOutcome,
  type ImageToEncode,
} from './encoding.service';

interface Needs {
  readonly clipModels: ClipModels;
}

export const embeddingFeature = defineFeature({
  name: 'embedding',
  resolvers: [],
  needs: ['clipModels'],
  createServices: ({ prisma, logger }, { clipModels }: Needs) => {
    const embeddings = new EmbeddingStore(prisma);
    return { embeddings, encoding: new EncodingService(clipModels, embeddings, logger) };
  },
});
