// The label-set feature: ID label sets (create, update, archive, delete) and their loader.
import { defineFeature } from '../../feature';
import { byId } from '../../shared/loaders';
import { LabelSetRepository } from './label-set.repository';
import { LabelSetResolver } from './label-set.resolver';
import { LabelSetService } from './label-set.service';

export { LabelSetRepository } from './label-set.repository';
export { LabelSetService } from './label-set.service';
export { LabelSet } from './label-set.type';

export const labelSetFeature = defineFeature({
  name: 'label-set',
  resolvers: [LabelSetResolver],
  needs: [],
  createServices: ({ prisma }) => {
    const labelSetRepository = new LabelSetRepository(prisma);
    return { labelSetRepository, labelSets: new LabelSetService(labelSetRepository) };
  },
  createLoaders: ({ labelSetRepository }) => ({ labelSet: byId((ids) => labelSetRepository.byIds(ids)) }),
});
