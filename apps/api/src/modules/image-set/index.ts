// The image-set feature: folders of images (listed and content-hashed) and their loader; imported
// sets are created by the import feature.
import { defineFeature } from '../../feature';
import { byId } from '../../shared/loaders';
import { ImageSetRepository } from './image-set.repository';
import { ImageSetResolver } from './image-set.resolver';
import { ImageSetService } from './image-set.service';

export { ImageSetRepository } from './image-set.repository';
export { ImageSetService } from './image-set.service';
export { ImageSet } from './image-set.type';

export const imageSetFeature = defineFeature({
  name: 'image-set',
  resolvers: [ImageSetResolver],
  needs: [],
  createServices: ({ prisma, config }) => {
    const imageSetRepository = new ImageSetRepository(prisma);
    return { imageSetRepository, imageSets: new ImageSetService(imageSetRepository, config) };
  },
  createLoaders: ({ imageSetRepository }) => ({ imageSet: byId((ids) => imageSetRepository.byIds(ids)) }),
});
