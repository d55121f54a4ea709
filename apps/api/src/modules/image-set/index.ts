// The image-set feature: folders of images (listed and content-hashed), the files a model could not
// decode (recorded by the encode-images shards) and their loaders; imported sets are created by the
// import feature.
import DataLoader from 'dataloader';
import { defineFeature } from '../../feature';
import { byId } from '../../shared/loaders';
import {
  DecodeFailureRepository,
  type DecodeFailureRow,
  type FailureCountRequest,
  type FailureCounts,
  type FailurePageRequest,
} from './decode-failure.repository';
import { ImageDecodeFailureResolver, ImageSetDecodeFailuresResolver } from './decode-failure.resolver';
import { ImageSetRepository } from './image-set.repository';
import { ImageSetResolver } from './image-set.resolver';
import { ImageSetService } from './image-set.service';

export { DecodeFailureRepository, type DecodeFailureRow } from './decode-failure.repository';
export { decodeFailurePage } from './decode-failure.resolver';
export { ImageDecodeFailure, ImageDecodeFailureConnection } from './decode-failure.type';
export { ImageSetRepository } from './image-set.repository';
export { ImageSetService } from './image-set.service';
export { ImageSet } from './image-set.type';

export const imageSetFeature = defineFeature({
  name: 'image-set',
  resolvers: [ImageSetResolver, ImageSetDecodeFailuresResolver, ImageDecodeFailureResolver],
  needs: [],
  createServices: ({ prisma, config }) => {
    const imageSetRepository = new ImageSetRepository(prisma);
    return {
      imageSetRepository,
      decodeFailureRepository: new DecodeFailureRepository(prisma),
      imageSets: new ImageSetService(imageSetRepository, config),
    };
  },
  createLoaders: ({ imageSetRepository, decodeFailureRepository }) => ({
    imageSet: byId((ids) => imageSetRepository.byIds(ids)),
    // Pages and counts of decode failures for many sets or runs in one query each.
    decodeFailurePages: new DataLoader<FailurePageRequest, DecodeFailureRow[], string>(
      async (requests) => decodeFailureRepository.pages(requests),
      { cacheKeyFn: (request) => JSON.stringify(request) },
    ),
    decodeFailureCounts: new DataLoader<FailureCountRequest, FailureCounts, string>(
      async (requests) => decodeFailureRepository.counts(requests),
      { cacheKeyFn: (request) => JSON.stringify(request) },
    ),
  }),
});
