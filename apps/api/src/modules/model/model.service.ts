// Encoder models: register an ONNX folder (its hash and width read through @negmine/encoders) or
// an imported embedding space, and list them.
import { randomUUID } from 'node:crypto';
import type { ApiConfig } from '../../config';
import type { Db, PrismaClient } from '../../db/prisma.service';
import { badInput, conflict, notFound } from '../../errors';
import { sha256Hex } from '../common/hashing';
import { ModelKind } from '../common/enums';
import { pathUnderRoots } from '../common/paths';
import type { ClipModels } from './clip-models';
import type { RegisterModelInput } from './model.input';
import type { EncoderModel } from './model.type';

export class ModelService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly config: Pick<ApiConfig, 'modelRoots'>,
    private readonly clipModels: ClipModels,
  ) {}

  async register(input: RegisterModelInput): Promise<EncoderModel> {
    if ((input.folder === undefined) === (input.importedEmbeddingDim === undefined)) {
      throw badInput('give either folder (an ONNX CLIP folder) or importedEmbeddingDim (an imported embedding space), not both and not neither');
    }
    if ((await this.prisma.encoderModel.findUnique({ where: { name: input.name } })) !== null) {
      throw conflict(`a model named '${input.name}' already exists; choose another name`);
    }
    if (input.folder !== undefined) {
      const folder = pathUnderRoots(input.folder, this.config.modelRoots, 'model folder', 'NEGMINE_MODEL_ROOTS');
      const info = await this.clipModels.inspect(folder);
      return this.prisma.encoderModel.create({
        data: { name: input.name, kind: ModelKind.onnx_folder, folder, backbone: input.backbone, embeddingDim: info.embeddingDim, contentHash: info.contentHash },
      });
    }
    // An imported space has no bytes to hash: a fresh identity keeps its cache entries apart from every other space.
    const contentHash = sha256Hex(`imported-space:${randomUUID()}`);
    return this.prisma.encoderModel.create({
      data: { name: input.name, kind: ModelKind.imported_space, backbone: input.backbone, embeddingDim: input.importedEmbeddingDim!, contentHash },
    });
  }

  async get(id: string, db: Db = this.prisma): Promise<EncoderModel> {
    const model = await db.encoderModel.findUnique({ where: { id } });
    if (model === null) throw notFound('model', id);
    return model;
  }

  list(): Promise<EncoderModel[]> {
    return this.prisma.encoderModel.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }
}
