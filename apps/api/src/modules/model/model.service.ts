// Encoder models: register an ONNX folder (its hash and width read through @negmine/encoders) or
// an imported embedding space, and list them.
import { randomUUID } from 'node:crypto';
import type { ApiConfig } from '../../config';
import type { Db } from '../../db/prisma.service';
import { badInput, conflict, notFound } from '../../errors';
import { sha256Hex } from '../../shared/hashing';
import { ModelKind } from '../../shared/enums';
import { ImmutableRowCache } from '../../shared/immutable-row-cache';
import { pathUnderRoots } from '../../shared/paths';
import type { ClipModels } from './clip-models';
import type { ModelRepository } from './model.repository';
import type { RegisterModelInput } from './model.input';
import type { EncoderModel } from './model.type';

/** Model rows kept in memory (a few hundred bytes each). */
const CACHED_MODELS = 10_000;

export class ModelService {
  // Model rows are written once by register and never updated or deleted, so a cached row is exact.
  private readonly rows = new ImmutableRowCache<EncoderModel>(CACHED_MODELS, () => 1);

  constructor(
    private readonly repository: ModelRepository,
    private readonly config: Pick<ApiConfig, 'modelRoots'>,
    private readonly clipModels: ClipModels,
  ) {}

  async register(input: RegisterModelInput): Promise<EncoderModel> {
    if ((input.folder === undefined) === (input.importedEmbeddingDim === undefined)) {
      throw badInput(
        'give either folder (an ONNX CLIP folder) or importedEmbeddingDim (an imported embedding space), not both and not neither',
      );
    }
    if ((await this.repository.byName(input.name)) !== null) {
      throw conflict(`a model named '${input.name}' already exists; choose another name`);
    }
    if (input.folder !== undefined) {
      const folder = pathUnderRoots(input.folder, this.config.modelRoots, 'model folder', 'NEGMINE_MODEL_ROOTS');
      const info = await this.clipModels.inspect(folder);
      return this.repository.create({
        name: input.name,
        kind: ModelKind.onnx_folder,
        folder,
        backbone: input.backbone,
        embeddingDim: info.embeddingDim,
        contentHash: info.contentHash,
      });
    }
    // An imported space has no bytes to hash: a fresh identity keeps its cache entries apart from every other space.
    const contentHash = sha256Hex(`imported-space:${randomUUID()}`);
    return this.repository.create({
      name: input.name,
      kind: ModelKind.imported_space,
      backbone: input.backbone,
      embeddingDim: input.importedEmbeddingDim!,
      contentHash,
    });
  }

  async get(id: string, db?: Db): Promise<EncoderModel> {
    const model = await this.repository.find(id, db);
    if (model === null) throw notFound('model', id);
    return model;
  }

  /** Models by id (null for an unknown id), for the per-request loader; rows are cached. */
  async byIds(ids: readonly string[]): Promise<(EncoderModel | null)[]> {
    const missing = ids.filter((id) => this.rows.get(id) === undefined);
    if (missing.length > 0) {
      for (const row of await this.repository.byIds([...new Set(missing)])) this.rows.set(row.id, row);
    }
    return ids.map((id) => this.rows.get(id) ?? null);
  }

  list(): Promise<EncoderModel[]> {
    return this.repository.list();
  }
}
