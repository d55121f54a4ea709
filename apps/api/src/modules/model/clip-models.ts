// Adapter over @negmine/encoders: loads CLIP folders once per process and keeps them for workers.
import { loadClipModel, type ClipModel } from '@negmine/encoders';
import type { Logger } from '../../logger';

export interface ClipModelInfo {
  readonly contentHash: string;
  readonly embeddingDim: number;
}

export class ClipModels {
  private readonly loaded = new Map<string, Promise<ClipModel>>();

  constructor(
    private readonly threads: number,
    private readonly logger: Logger,
  ) {}

  /** Reads a folder's identity (hash, width) without keeping its sessions. */
  async inspect(folder: string): Promise<ClipModelInfo> {
    const model = await loadClipModel(folder, { intraOpThreads: this.threads, logger: this.logger });
    try {
      return { contentHash: model.contentHash, embeddingDim: model.embeddingDim };
    } finally {
      await model.dispose();
    }
  }

  /** The model of `folder`, loaded on first use and then shared by this process's jobs. */
  get(folder: string): Promise<ClipModel> {
    let model = this.loaded.get(folder);
    if (model === undefined) {
      model = loadClipModel(folder, { intraOpThreads: this.threads, logger: this.logger });
      model.catch(() => this.loaded.delete(folder));
      this.loaded.set(folder, model);
    }
    return model;
  }

  async disposeAll(): Promise<void> {
    const models = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.all(models.map(async (model) => (await model).dispose().catch(() => undefined)));
  }
}
