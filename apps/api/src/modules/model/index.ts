// The model feature: encoder models (ONNX CLIP folders or imported spaces), the process's loaded
// CLIP towers, and the model loader (rows never change, so the service caches them).
import DataLoader from 'dataloader';
import { defineFeature } from '../../feature';
import { ClipModels } from './clip-models';
import { ModelRepository } from './model.repository';
import { ModelResolver } from './model.resolver';
import { ModelService } from './model.service';
import type { EncoderModel } from './model.type';

export { ClipModels, type ClipModelSettings } from './clip-models';
export type { ClipTowers } from './clip-towers';
export { ModelRepository } from './model.repository';
export { ModelService } from './model.service';
export { EncoderModel } from './model.type';

export const modelFeature = defineFeature({
  name: 'model',
  resolvers: [ModelResolver],
  needs: [],
  createServices: ({ prisma, config, logger }) => {
    const clipModels = new ClipModels(config, logger);
    const modelRepository = new ModelRepository(prisma);
    return { clipModels, modelRepository, models: new ModelService(modelRepository, config, clipModels) };
  },
  createLoaders: ({ models }) => ({
    model: new DataLoader<string, EncoderModel | null>(async (ids) => models.byIds(ids)),
  }),
});
