// Writes a complete, deterministic, CLIP-compatible model folder in the Hugging Face ONNX layout
// (config, preprocessor config, its own small BPE tokenizer, onnx/ towers) for tests and demos.
// It loads through exactly the same loadClipModel path as a real export.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLIP_END_TOKEN, CLIP_START_TOKEN, clipTokenizerJson, clipVocabularyFromMerges } from '../lib/bpe-vocabulary';
import { CLIP_CONTEXT_LENGTH } from '../lib/clip-tokenizer';
import { EncodersError, EncodersErrorCode, positiveIntegerOption } from '../lib/errors';
import { trainBpeMerges } from './bpe-trainer';
import { seededRandom } from './seeded-random';
import { combinedModelBytes, textModelBytes, visionModelBytes, type TinyTowerShape } from './tiny-clip-graphs';
import { TRAINING_WORDS } from './training-words';

export interface TinyClipModelOptions {
  /** Seed of every weight, an integer in [0, 2^31); same seed, same bytes. Default 0. */
  readonly seed?: number;
  /** Embedding (projection) width; default 32. */
  readonly dim?: number;
  /** Hidden width of both towers; default 64. */
  readonly width?: number;
  /** BPE merges to learn from the built-in word list; default 300. */
  readonly merges?: number;
  /** 'separate' (default): onnx/text_model.onnx + onnx/vision_model.onnx; 'combined': onnx/model.onnx. */
  readonly layout?: 'separate' | 'combined';
  /** Square input size and patch size of the vision tower; defaults 224 and 32 (CLIP ViT-B/32 geometry). */
  readonly imageSize?: number;
  readonly patchSize?: number;
  /** Text transformer blocks; default 2. Heads: 4 (width must be a multiple of 4). */
  readonly layers?: number;
}

export interface TinyClipModelInfo {
  readonly dir: string;
  readonly embeddingDim: number;
  readonly vocabSize: number;
  readonly files: readonly string[];
}

const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

function specialToken(content: string): Record<string, unknown> {
  return { content, lstrip: false, normalized: true, rstrip: false, single_word: false };
}

/** Writes the folder (created if needed) and returns what was written. */
export function writeTinyClipModel(dir: string, options: TinyClipModelOptions = {}): TinyClipModelInfo {
  const seed = options.seed ?? 0;
  // The tower streams are seeded with 2 * seed + 1 and + 2 as 32-bit integers: a seed of 2^31 or more
  // would wrap onto a smaller seed and give its model.
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 31) {
    throw new EncodersError(EncodersErrorCode.InvalidOption, `seed must be an integer in [0, 2^31); got ${seed}`);
  }
  const embeddingDim = positiveIntegerOption(options.dim ?? 32, 'dim');
  const width = positiveIntegerOption(options.width ?? 64, 'width');
  const imageSize = positiveIntegerOption(options.imageSize ?? 224, 'imageSize');
  const patchSize = positiveIntegerOption(options.patchSize ?? 32, 'patchSize');
  if (imageSize % patchSize !== 0)
    throw new EncodersError(
      EncodersErrorCode.InvalidOption,
      `imageSize ${imageSize} must be a multiple of patchSize ${patchSize}`,
    );
  const layers = positiveIntegerOption(options.layers ?? 2, 'layers');
  const heads = 4;
  if (width % heads !== 0)
    throw new EncodersError(
      EncodersErrorCode.InvalidOption,
      `width ${width} must be a multiple of ${heads} attention heads`,
    );
  const layout = options.layout ?? 'separate';
  if (layout !== 'separate' && layout !== 'combined') {
    throw new EncodersError(
      EncodersErrorCode.InvalidOption,
      `layout must be 'separate' or 'combined'; got '${String(layout)}'`,
    );
  }

  const merges = trainBpeMerges(TRAINING_WORDS, positiveIntegerOption(options.merges ?? 300, 'merges'));
  const vocab = clipVocabularyFromMerges(merges);
  const shape: TinyTowerShape = {
    vocabSize: vocab.size,
    contextLength: CLIP_CONTEXT_LENGTH,
    width,
    embeddingDim,
    imageSize,
    patchSize,
    layers,
    heads,
  };
  // Separate streams per tower, so the combined graph holds exactly the separate towers' weights.
  const textRandom = (): ReturnType<typeof seededRandom> => seededRandom(seed * 2 + 1);
  const visionRandom = (): ReturnType<typeof seededRandom> => seededRandom(seed * 2 + 2);

  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  const written: Array<[string, string | Uint8Array]> = [
    [
      'config.json',
      json({
        _name_or_path: `negmine tiny-clip (generated, seed ${seed}; seeded random weights, NOT a trained model)`,
        architectures: ['CLIPModel'],
        model_type: 'clip',
        projection_dim: embeddingDim,
        text_config: {
          model_type: 'clip_text_model',
          vocab_size: vocab.size,
          max_position_embeddings: CLIP_CONTEXT_LENGTH,
          hidden_size: width,
          num_hidden_layers: layers,
          num_attention_heads: heads,
          projection_dim: embeddingDim,
        },
        vision_config: {
          model_type: 'clip_vision_model',
          image_size: imageSize,
          patch_size: patchSize,
          num_channels: 3,
          hidden_size: width,
          projection_dim: embeddingDim,
        },
        negmine: { generator: 'writeTinyClipModel', seed, layout },
      }),
    ],
    [
      'preprocessor_config.json',
      json({
        crop_size: { height: imageSize, width: imageSize },
        do_center_crop: true,
        do_convert_rgb: true,
        do_normalize: true,
        do_rescale: true,
        do_resize: true,
        image_mean: CLIP_MEAN,
        image_processor_type: 'CLIPImageProcessor',
        image_std: CLIP_STD,
        resample: 3,
        rescale_factor: 1 / 255,
        size: { shortest_edge: imageSize },
      }),
    ],
    ['tokenizer.json', json(clipTokenizerJson(vocab, merges))],
    ['vocab.json', json(Object.fromEntries(vocab))],
    ['merges.txt', `#version: 0.2\n${merges.map(([a, b]) => `${a} ${b}`).join('\n')}\n`],
    [
      'tokenizer_config.json',
      json({
        add_prefix_space: false,
        bos_token: specialToken(CLIP_START_TOKEN),
        clean_up_tokenization_spaces: true,
        do_lower_case: true,
        eos_token: specialToken(CLIP_END_TOKEN),
        errors: 'replace',
        model_max_length: CLIP_CONTEXT_LENGTH,
        pad_token: CLIP_END_TOKEN,
        tokenizer_class: 'CLIPTokenizer',
        unk_token: specialToken(CLIP_END_TOKEN),
      }),
    ],
    [
      'special_tokens_map.json',
      json({
        bos_token: specialToken(CLIP_START_TOKEN),
        eos_token: specialToken(CLIP_END_TOKEN),
        pad_token: CLIP_END_TOKEN,
        unk_token: specialToken(CLIP_END_TOKEN),
      }),
    ],
    ...(layout === 'separate'
      ? ([
          ['onnx/text_model.onnx', textModelBytes(shape, textRandom())],
          ['onnx/vision_model.onnx', visionModelBytes(shape, visionRandom())],
        ] as Array<[string, Uint8Array]>)
      : ([['onnx/model.onnx', combinedModelBytes(shape, textRandom(), visionRandom())]] as Array<
          [string, Uint8Array]
        >)),
  ];
  mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  // The loader prefers separate towers when both layouts are present, so rewriting a folder in the
  // other layout must remove the graphs of the previous one (only the files this generator writes).
  const otherLayoutGraphs =
    layout === 'separate' ? ['onnx/model.onnx'] : ['onnx/text_model.onnx', 'onnx/vision_model.onnx'];
  for (const name of otherLayoutGraphs) rmSync(path.join(dir, name), { force: true });
  for (const [name, content] of written) writeFileSync(path.join(dir, name), content);
  return { dir, embeddingDim, vocabSize: vocab.size, files: written.map(([name]) => name) };
}
