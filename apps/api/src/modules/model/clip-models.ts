// Adapter over @negmine/encoders: CLIP folders for this process's jobs and detectors, loaded once
// on the tower thread (tower-thread.ts) and kept there, so tower runs and identity reads never hold
// the event loop.
import type { Logger } from '../../logger';
import { TaskThread } from '../../shared/task-thread';
import type { ClipModelSettings } from './clip-model-settings';
import { ClipTowers } from './clip-towers';
import type { TowerResults, TowerTask, TowerThreadData } from './tower-thread-protocol';

export type { ClipModelSettings } from './clip-model-settings';

export interface ClipModelInfo {
  readonly contentHash: string;
  readonly embeddingDim: number;
}

export class ClipModels {
  private readonly thread: TaskThread<TowerTask, TowerResults>;
  private readonly loaded = new Map<string, Promise<ClipTowers>>();

  readonly settings: ClipModelSettings;

  constructor(settings: ClipModelSettings, logger: Logger) {
    // Only these fields: the caller may pass the whole configuration, which the thread must not get.
    const { threads, executionProvider, preprocessThreads } = settings;
    this.settings = { threads, executionProvider, preprocessThreads };
    const data: TowerThreadData = { settings: this.settings, logLevel: logger.level };
    this.thread = new TaskThread(__dirname, 'tower-thread', data);
  }

  /**
   * Reads a folder's identity (hash, width) on the tower thread without keeping its sessions: hashing
   * the files and creating the sessions (synchronous in onnxruntime-node) take seconds for a ViT.
   */
  inspect(folder: string): Promise<ClipModelInfo> {
    return this.thread.run({ kind: 'inspect', folder });
  }

  /** The towers of `folder`, loaded on the tower thread on first use and then shared by this process. */
  get(folder: string): Promise<ClipTowers> {
    let towers = this.loaded.get(folder);
    if (towers === undefined) {
      towers = this.thread
        .run({ kind: 'describe', folder })
        .then((description) => new ClipTowers(this.thread, folder, description));
      towers.catch(() => this.loaded.delete(folder));
      this.loaded.set(folder, towers);
    }
    return towers;
  }

  /**
   * Shutdown: ends the tower thread and the models it loaded, and refuses later encodes. The jobs
   * have been handed back and requests drained: an encode still running belongs to neither, so it
   * stops after its current batch.
   */
  async disposeAll(): Promise<void> {
    this.loaded.clear();
    await this.thread.close(0);
  }
}
