// Adapter over @negmine/encoders: loads CLIP folders once per process and keeps them for workers.
import { loadClipModel, type ClipModel, type ExecutionProvider, type LoadClipModelOptions } from '@negmine/encoders';
import type { Logger } from '../../logger';

export interface ClipModelInfo {
  readonly contentHash: string;
  readonly embeddingDim: number;
}

/** How this process runs CLIP towers (from the API's configuration). */
export interface ClipModelSettings {
  readonly threads: number;
  readonly executionProvider: ExecutionProvider;
  readonly preprocessThreads: number;
}

export class ClipModels {
  private readonly loaded = new Map<string, Promise<ClipModel>>();

  private readonly options: LoadClipModelOptions;

  constructor(
    /** Kept for threads of this process that load towers themselves (the detector's compute thread). */
    readonly settings: ClipModelSettings,
    logger: Logger,
  ) {
    this.options = {
      intraOpThreads: settings.threads,
      executionProvider: settings.executionProvider,
      preprocessThreads: settings.preprocessThreads,
      logger,
    };
  }

  /** Reads a folder's identity (hash, width) without keeping its sessions. */
  async inspect(folder: string): Promise<ClipModelInfo> {
    // Reading the identity needs neither the GPU nor the preprocessing pool.
    const model = await loadClipModel(folder, { ...this.options, executionProvider: 'cpu', preprocessThreads: 0 });
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
      model = loadClipModel(folder, this.options);
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
