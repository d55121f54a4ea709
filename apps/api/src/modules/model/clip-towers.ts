// ClipTowers: one CLIP folder's towers as this process uses them — every encode runs on the tower
// thread (tower-thread.ts), never on the event loop that serves requests and heartbeats.
import type { ImageEncodeResult } from '@negmine/encoders';
import type { TaskThread } from '../../shared/task-thread';
import type { TowerDescription, TowerResults, TowerTask } from './tower-thread-protocol';

export class ClipTowers {
  constructor(
    private readonly thread: TaskThread<TowerTask, TowerResults>,
    readonly folder: string,
    private readonly description: TowerDescription,
  ) {}

  get contentHash(): string {
    return this.description.contentHash;
  }

  get embeddingDim(): number {
    return this.description.embeddingDim;
  }

  /** The image tower's center-crop size, when it crops. */
  get centerCrop(): TowerDescription['centerCrop'] {
    return this.description.centerCrop;
  }

  /** Text embeddings, row-major [texts.length, embeddingDim] (the text tower's encode). */
  encodeTexts(texts: readonly string[]): Promise<Float32Array> {
    return this.thread.run({ kind: 'encode-texts', folder: this.folder, texts });
  }

  /** The vision tower on image files; undecodable files are failures of the result, as encodeFiles gives them. */
  encodeImageFiles(files: readonly string[]): Promise<ImageEncodeResult> {
    return this.thread.run({ kind: 'encode-image-files', folder: this.folder, files });
  }

  /** The vision tower on preprocessed CHW pixel_values. */
  encodePixelValues(images: readonly Float32Array[]): Promise<Float32Array> {
    return this.thread.run({ kind: 'encode-pixel-values', folder: this.folder, images });
  }
}
