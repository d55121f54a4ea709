// Loads a CLIP model folder into ready encoders: reads the files, builds the tokenizer and the
// preprocessing spec, creates one onnxruntime session per tower, validates signatures and that both
// towers agree on the embedding width, and computes the content hash. Public: loadClipModel.
import { CLIP_CONTEXT_LENGTH, ClipTokenizer, type TokenizerCleanup } from './clip-tokenizer';
import { parseOpenAiBpeGz } from './bpe-vocabulary';
import type { EncoderLogger } from './encoder-logger';
import { EncodersError, EncodersErrorCode } from './errors';
import { ClipImageEncoder, DEFAULT_GPU_IMAGE_BATCH_SIZE, DEFAULT_IMAGE_BATCH_SIZE } from './image-encoder';
import { modelFilesContentHash } from './model-hash';
import {
  parseFolderJson,
  readModelFolder,
  type FolderFile,
  type ModelFolderFiles,
  type ModelVariant,
  type TowerSelection,
} from './model-folder';
import { fixedOutputSize, parsePreprocessorConfig, type PreprocessSpec } from './preprocessor-config';
import { createTowerSession, type ExecutionProvider, type FeedTensor, type TowerSession } from './session-factory';
import { ClipTextEncoder } from './text-encoder';
import { validateTowerSignature, type TowerRole, type TowerSignature } from './tower-signature';

export interface LoadClipModelOptions {
  /** 'fp32' (default): onnx/text_model.onnx; 'quantized': *_quantized.onnx; 'fp16': *_fp16.onnx. */
  readonly variant?: ModelVariant;
  /** Load only what a job needs; default 'both'. */
  readonly towers?: TowerSelection;
  /** 'cpu' (default) or 'cuda'. */
  readonly executionProvider?: ExecutionProvider;
  /** onnxruntime intra-op threads per session; default 0 = onnxruntime's choice. */
  readonly intraOpThreads?: number;
  /** Worker threads decoding + preprocessing images; default one per core; 0 = the main thread. */
  readonly preprocessThreads?: number;
  /** Default images per vision ONNX run; default 16 on CPU, 256 on CUDA (keeps the GPU fed). */
  readonly imageBatchSize?: number;
  /** Internal (tests): the preprocessing worker entry file. */
  readonly preprocessWorkerFile?: string;
  /** Tokenizer clean-up: 'hf' (default, tokenizer.json semantics) or 'openai'. */
  readonly cleanup?: TokenizerCleanup;
  readonly logger?: EncoderLogger;
}

export interface ClipModel {
  readonly dir: string;
  readonly layout: 'separate' | 'combined';
  readonly variant: ModelVariant;
  /**
   * sha256 hex over the variant's ONNX bytes + tokenizer files/options + preprocessing config; the
   * same whichever towers were loaded (files a tower selection skips are still hashed).
   */
  readonly contentHash: string;
  readonly embeddingDim: number;
  /** False for a combined model.onnx: its text_embeds are L2-normalised, raw norms are lost. */
  readonly textEmbeddingsAreRaw: boolean;
  /** Present unless loaded with towers: 'vision'. */
  readonly text: ClipTextEncoder | undefined;
  /** Present unless loaded with towers: 'text'. */
  readonly image: ClipImageEncoder | undefined;
  dispose(): Promise<void>;
}

function buildTokenizer(files: ModelFolderFiles, cleanup: TokenizerCleanup | undefined): ClipTokenizer {
  const source = files.tokenizer!;
  const options = cleanup === undefined ? {} : { cleanup };
  const [first, second] = source.files;
  switch (source.kind) {
    case 'tokenizer.json':
      return ClipTokenizer.fromTokenizerJson(parseFolderJson(first!, files.dir), options);
    case 'vocab.json+merges.txt':
      return ClipTokenizer.fromVocabAndMerges(
        parseFolderJson(first!, files.dir),
        Buffer.from(second!.bytes).toString('utf8'),
        options,
      );
    case 'bpe_simple_vocab_16e6.txt.gz':
      return ClipTokenizer.fromMerges(parseOpenAiBpeGz(first!.bytes, first!.name), options);
  }
}

function pixelSizeOf(signature: TowerSignature, spec: PreprocessSpec, source: string): [number, number] {
  const produced = fixedOutputSize(spec);
  const [declaredH, declaredW] = signature.pixelSize ?? ['height', 'width'];
  if (produced === undefined) {
    throw new EncodersError(
      EncodersErrorCode.InvalidPreprocessorConfig,
      'preprocessor_config.json must fix the image size (do_center_crop with crop_size, or size {height, width}); images of varying size cannot be batched',
    );
  }
  if (
    (typeof declaredH === 'number' && declaredH !== produced.height) ||
    (typeof declaredW === 'number' && declaredW !== produced.width)
  ) {
    throw new EncodersError(
      EncodersErrorCode.SignatureMismatch,
      `${source} takes pixel_values of ${String(declaredH)}x${String(declaredW)} but preprocessor_config.json produces ${produced.height}x${produced.width}`,
      { source, declared: [declaredH, declaredW], produced },
    );
  }
  return [produced.height, produced.width];
}

/** Reads the embedding width from the signature, or from one tiny run when the file leaves it symbolic. */
async function embeddingWidth(
  declared: number | undefined,
  session: TowerSession,
  output: 'text_embeds' | 'image_embeds',
  probeFeeds: () => Record<string, FeedTensor>,
): Promise<number> {
  if (declared !== undefined) return declared;
  const result = await session.run(probeFeeds(), [output]);
  const dims = result[output]!.dims;
  if (dims.length !== 2 || dims[1] === undefined || dims[1] < 1) {
    throw new EncodersError(
      EncodersErrorCode.SignatureMismatch,
      `${session.source}: ${output} has shape [${dims.join(', ')}] for a batch of 1; expected [1, dim]`,
    );
  }
  return dims[1];
}

/** Loads a Hugging Face-layout CLIP ONNX folder. Call `dispose()` on the result. */
export async function loadClipModel(dir: string, options: LoadClipModelOptions = {}): Promise<ClipModel> {
  const files = await readModelFolder(dir, { variant: options.variant ?? 'fp32', towers: options.towers ?? 'both' });
  const towers = options.towers ?? 'both';
  const wantText = towers !== 'vision';
  const wantVision = towers !== 'text';
  const tokenizer = wantText ? buildTokenizer(files, options.cleanup) : undefined;
  const spec =
    files.preprocessorConfig !== undefined
      ? parsePreprocessorConfig(parseFolderJson(files.preprocessorConfig!, dir))
      : undefined;
  const sessionOptions = {
    ...(options.executionProvider === undefined ? {} : { executionProvider: options.executionProvider }),
    ...(options.intraOpThreads === undefined ? {} : { intraOpThreads: options.intraOpThreads }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  };
  const sessions: TowerSession[] = [];
  const open = async (
    file: FolderFile,
    role: TowerRole,
  ): Promise<{ session: TowerSession; signature: TowerSignature }> => {
    const session = await createTowerSession(file.bytes, `${dir}/${file.name}`, sessionOptions);
    sessions.push(session);
    return { session, signature: validateTowerSignature(session, role) };
  };
  try {
    let textTower: { session: TowerSession; signature: TowerSignature } | undefined;
    let visionTower: { session: TowerSession; signature: TowerSignature } | undefined;
    if (files.layout === 'combined') {
      textTower = visionTower = await open(files.combinedModel!, 'combined');
    } else {
      if (files.textModel !== undefined) textTower = await open(files.textModel, 'text');
      if (files.visionModel !== undefined) visionTower = await open(files.visionModel, 'vision');
    }
    const combined = files.layout === 'combined';
    const pixelSize =
      spec !== undefined && visionTower !== undefined
        ? pixelSizeOf(visionTower.signature, spec, visionTower.session.source)
        : undefined;
    // A combined graph needs every input on every run: the other tower gets a minimal dummy.
    const dummyText = (): Record<string, FeedTensor> => {
      const start = tokenizer?.startTokenId ?? 0;
      const end = tokenizer?.endTokenId ?? 1;
      const feeds: Record<string, FeedTensor> = {
        input_ids: { type: 'int64', data: BigInt64Array.from([BigInt(start), BigInt(end)]), dims: [1, 2] },
      };
      if (textTower?.signature.hasAttentionMask === true)
        feeds['attention_mask'] = { type: 'int64', data: BigInt64Array.from([1n, 1n]), dims: [1, 2] };
      return feeds;
    };
    const dummyImage = (): Record<string, FeedTensor> => {
      if (pixelSize === undefined) {
        throw new EncodersError(
          EncodersErrorCode.InvalidOption,
          'a combined model.onnx needs preprocessor_config.json to run its text tower; load it with towers: "both"',
        );
      }
      const [h, w] = pixelSize;
      return { pixel_values: { type: 'float32', data: new Float32Array(3 * h * w), dims: [1, 3, h, w] } };
    };
    let textDim: number | undefined;
    let imageDim: number | undefined;
    if (textTower !== undefined && wantText) {
      textDim = await embeddingWidth(textTower.signature.textEmbeddingDim, textTower.session, 'text_embeds', () => ({
        ...(combined ? dummyImage() : {}),
        ...dummyText(),
      }));
    }
    if (visionTower !== undefined && wantVision) {
      imageDim = await embeddingWidth(
        visionTower.signature.imageEmbeddingDim,
        visionTower.session,
        'image_embeds',
        () => ({
          ...(combined ? dummyText() : {}),
          ...dummyImage(),
        }),
      );
    }
    if (textDim !== undefined && imageDim !== undefined && textDim !== imageDim) {
      throw new EncodersError(
        EncodersErrorCode.DimensionMismatch,
        `text and vision towers disagree on the embedding width: text_embeds has ${textDim}, image_embeds has ${imageDim}; both towers must come from the same CLIP model`,
        { textDim, imageDim },
      );
    }
    const embeddingDim = (textDim ?? imageDim)!;
    // Whole-model identity, whichever towers were loaded: a text-only load (mining, embed-text) and a
    // vision-only one must give the hash the API stores for the folder, or cached embeddings split.
    const contentHash = await modelFilesContentHash(files.identityFiles, {
      cleanup: tokenizer?.cleanup ?? options.cleanup ?? 'hf',
      contextLength: tokenizer?.contextLength ?? CLIP_CONTEXT_LENGTH,
    });
    const text =
      tokenizer !== undefined && textTower !== undefined && textDim !== undefined
        ? new ClipTextEncoder(tokenizer, {
            session: textTower.session,
            hasAttentionMask: textTower.signature.hasAttentionMask,
            embeddingDim: textDim,
            embeddingsAreRaw: !combined,
            extraFeeds: combined ? dummyImage() : {},
          })
        : undefined;
    const image =
      wantVision && spec !== undefined && visionTower !== undefined && imageDim !== undefined && pixelSize !== undefined
        ? new ClipImageEncoder(
            {
              session: visionTower.session,
              embeddingDim: imageDim,
              preprocess: spec,
              pixelSize,
              extraFeeds: combined ? dummyText() : {},
            },
            {
              batchSize:
                options.imageBatchSize ??
                (options.executionProvider === 'cuda' ? DEFAULT_GPU_IMAGE_BATCH_SIZE : DEFAULT_IMAGE_BATCH_SIZE),
              ...(options.preprocessThreads === undefined ? {} : { preprocessThreads: options.preprocessThreads }),
              ...(options.preprocessWorkerFile === undefined ? {} : { workerFile: options.preprocessWorkerFile }),
            },
          )
        : undefined;
    options.logger?.info(
      { dir, layout: files.layout, variant: files.variant, embeddingDim, contentHash },
      'CLIP model loaded',
    );
    return {
      dir,
      layout: files.layout,
      variant: files.variant,
      contentHash,
      embeddingDim,
      textEmbeddingsAreRaw: !combined,
      text,
      image,
      async dispose() {
        await Promise.all([image?.dispose(), ...[...new Set(sessions)].map((s) => s.dispose())]);
      },
    };
  } catch (error) {
    await Promise.all(sessions.map((s) => s.dispose()));
    throw error;
  }
}
