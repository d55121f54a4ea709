// Text tower: tokenises, sorts texts by token length into batches padded to the batch's longest
// sequence (not to 77), runs ONNX once per batch and returns raw text_embeds in input order. Public.
import type { ClipTokenizer } from './clip-tokenizer';
import { normalizeRowsInPlace } from './embedding-math';
import { EncodersError, EncodersErrorCode, positiveIntegerOption } from './errors';
import type { FeedTensor, TowerSession } from './session-factory';

export interface TextEncodeOptions {
  /** Texts per ONNX run; default 64. */
  readonly batchSize?: number;
  /** L2-normalise each row; default false (selection in libs/mining needs the raw norms). */
  readonly normalize?: boolean;
  /** 'longest' (default) pads each batch to its longest text; 'max_length' pads to the context length. */
  readonly padding?: 'longest' | 'max_length';
  /** Called after each batch with texts done and total. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface TextTowerBinding {
  readonly session: TowerSession;
  readonly hasAttentionMask: boolean;
  readonly embeddingDim: number;
  /** False for combined CLIPModel exports, whose text_embeds come L2-normalised. */
  readonly embeddingsAreRaw: boolean;
  /** Feeds a combined model also needs (a dummy image); empty for a text-only graph. */
  readonly extraFeeds: Readonly<Record<string, FeedTensor>>;
}

export const DEFAULT_TEXT_BATCH_SIZE = 64;

export class ClipTextEncoder {
  constructor(
    readonly tokenizer: ClipTokenizer,
    private readonly tower: TextTowerBinding,
  ) {}

  get embeddingDim(): number {
    return this.tower.embeddingDim;
  }

  /** Whether encode() without `normalize` returns the model's raw (unnormalised) text_embeds. */
  get embeddingsAreRaw(): boolean {
    return this.tower.embeddingsAreRaw;
  }

  /** Row-major float32 [texts.length, embeddingDim], rows in input order. */
  async encode(texts: readonly string[], options: TextEncodeOptions = {}): Promise<Float32Array> {
    const batchSize = positiveIntegerOption(options.batchSize ?? DEFAULT_TEXT_BATCH_SIZE, 'batchSize');
    const padding = options.padding ?? 'longest';
    if (padding !== 'longest' && padding !== 'max_length') {
      throw new EncodersError(
        EncodersErrorCode.InvalidOption,
        `padding must be 'longest' or 'max_length'; got '${String(padding)}'`,
      );
    }
    const dim = this.tower.embeddingDim;
    const ids = texts.map((t) => this.tokenizer.encode(t));
    // Longest first, stable: similar lengths share a batch, so little compute goes to padding.
    const order = ids.map((_, i) => i).sort((a, b) => ids[b]!.length - ids[a]!.length || a - b);
    const out = new Float32Array(texts.length * dim);
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      const seqLength = padding === 'max_length' ? this.tokenizer.contextLength : ids[batch[0]!]!.length;
      const embeds = await this.runBatch(
        batch.map((i) => ids[i]!),
        seqLength,
      );
      batch.forEach((row, k) => out.set(embeds.subarray(k * dim, (k + 1) * dim), row * dim));
      options.onProgress?.(Math.min(start + batchSize, order.length), order.length);
    }
    return options.normalize === true ? normalizeRowsInPlace(out, dim) : out;
  }

  private async runBatch(batch: ReadonlyArray<readonly number[]>, seqLength: number): Promise<Float32Array> {
    const dim = this.tower.embeddingDim;
    // Right padding with the end token (HF's pad id): argmax pooling still finds the first end token.
    const inputIds = new BigInt64Array(batch.length * seqLength).fill(BigInt(this.tokenizer.endTokenId));
    const mask = new BigInt64Array(batch.length * seqLength);
    batch.forEach((row, b) => {
      for (let t = 0; t < row.length; t++) {
        inputIds[b * seqLength + t] = BigInt(row[t]!);
        mask[b * seqLength + t] = 1n;
      }
    });
    const dims = [batch.length, seqLength];
    const feeds: Record<string, FeedTensor> = {
      ...this.tower.extraFeeds,
      input_ids: { type: 'int64', data: inputIds, dims },
    };
    if (this.tower.hasAttentionMask) feeds['attention_mask'] = { type: 'int64', data: mask, dims };
    const result = await this.tower.session.run(feeds, ['text_embeds']);
    const embeds = result['text_embeds']!;
    if (embeds.dims.length !== 2 || embeds.dims[0] !== batch.length || embeds.dims[1] !== dim) {
      throw new EncodersError(
        EncodersErrorCode.InferenceFailed,
        `${this.tower.session.source}: text_embeds has shape [${embeds.dims.join(', ')}], expected [${batch.length}, ${dim}]`,
      );
    }
    return embeds.data;
  }
}
