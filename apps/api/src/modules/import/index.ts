// The import feature: embeddings computed elsewhere (label names, a corpus, an image set) into an
// imported embedding space.
import { defineFeature } from '../../feature';
import type { ImageSetRepository } from '../image-set';
import type { LabelSetRepository } from '../label-set';
import type { ModelRepository } from '../model';
import { ImportRepository } from './import.repository';
import { ImportResolver } from './import.resolver';
import { ImportService } from './import.service';

export { ImportService } from './import.service';

interface Needs {
  readonly modelRepository: ModelRepository;
  readonly labelSetRepository: LabelSetRepository;
  readonly imageSetRepository: ImageSetRepository;
}

export const importFeature = defineFeature({
  name: 'import',
  resolvers: [ImportResolver],
  needs: ['modelRepository', 'labelSetRepository', 'imageSetRepository'],
  createServices: ({ prisma, config }, needs: Needs) => ({
    imports: new ImportService(
      new ImportRepository(prisma),
      needs.modelRepository,
      needs.labelSetRepository,
      needs.imageSetRepository,
      config,
    ),
  }),
});
