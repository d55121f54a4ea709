// ONNX graphs of the generated tiny CLIP towers, built in memory with OnnxGraphBuilder and seeded
// weights. Same signatures as the Hugging Face exports: text pools at argmax(input_ids) (the first end
// token) like the real export; vision patchifies with a strided Conv and mean-pools the patches.
import { OnnxGraphBuilder, type OnnxTensor } from '@negmine/formats';
import { normalArray, type SeededRandom } from './seeded-random';

export interface TinyTowerShape {
  readonly vocabSize: number;
  readonly contextLength: number;
  /** Hidden width of both towers. */
  readonly width: number;
  /** Projection (embedding) width, text_embeds and image_embeds. */
  readonly embeddingDim: number;
  readonly imageSize: number;
  readonly patchSize: number;
}

const LAYER_NORM_EPSILON = 1e-5;

function f32(dims: readonly number[], data: Float32Array): OnnxTensor {
  return { type: 'float32', dims, data };
}

function i64(values: readonly number[]): OnnxTensor {
  return { type: 'int64', dims: [values.length], data: BigInt64Array.from(values.map((v) => BigInt(v))) };
}

/** Residual tanh MLP + LayerNorm over the last axis: x -> LN(x + W2 tanh(W1 x + b1) + b2). */
function addMixingBlock(g: OnnxGraphBuilder, p: string, input: string, width: number, random: SeededRandom): string {
  const hidden = width * 2;
  g.initializer(`${p}mlp_w1`, f32([width, hidden], normalArray(random, width * hidden, 1 / Math.sqrt(width))))
    .initializer(`${p}mlp_b1`, f32([hidden], normalArray(random, hidden, 0.1)))
    .initializer(`${p}mlp_w2`, f32([hidden, width], normalArray(random, hidden * width, 1 / Math.sqrt(hidden))))
    .initializer(`${p}mlp_b2`, f32([width], normalArray(random, width, 0.1)))
    .initializer(`${p}ln_scale`, f32([width], Float32Array.from(normalArray(random, width, 0.1), (v) => 1 + v)))
    .initializer(`${p}ln_bias`, f32([width], normalArray(random, width, 0.1)))
    .node('MatMul', [input, `${p}mlp_w1`], [`${p}h1`])
    .node('Add', [`${p}h1`, `${p}mlp_b1`], [`${p}h1b`])
    .node('Tanh', [`${p}h1b`], [`${p}h1t`])
    .node('MatMul', [`${p}h1t`, `${p}mlp_w2`], [`${p}h2`])
    .node('Add', [`${p}h2`, `${p}mlp_b2`], [`${p}h2b`])
    .node('Add', [input, `${p}h2b`], [`${p}res`])
    .node('LayerNormalization', [`${p}res`, `${p}ln_scale`, `${p}ln_bias`], [`${p}ln`], { axis: { int: -1 }, epsilon: { float: LAYER_NORM_EPSILON } });
  return `${p}ln`;
}

/**
 * Text tower nodes: token + position embeddings, padding masked out, causal running mean (so a
 * token never sees later ones, as in CLIP's causal attention), mixing block, pooled at argmax(ids).
 */
export function addTextTower(g: OnnxGraphBuilder, p: string, shape: TinyTowerShape, random: SeededRandom, output: string): void {
  const { vocabSize, contextLength, width, embeddingDim } = shape;
  g.initializer(`${p}token_embedding`, f32([vocabSize, width], normalArray(random, vocabSize * width, 1)))
    .initializer(`${p}position_embedding`, f32([contextLength, width], normalArray(random, contextLength * width, 0.2)))
    .initializer(`${p}projection`, f32([width, embeddingDim], normalArray(random, width * embeddingDim, 1 / Math.sqrt(width))))
    .initializer(`${p}c_zero`, i64([0]))
    .initializer(`${p}c_one`, i64([1]))
    .initializer(`${p}c_two`, i64([2]))
    .initializer(`${p}c_axis1`, { type: 'int64', dims: [], data: BigInt64Array.from([1n]) })
    .initializer(`${p}c_min_count`, f32([], Float32Array.from([1])))
    .node('Gather', [`${p}token_embedding`, 'input_ids'], [`${p}tok`], { axis: { int: 0 } })
    .node('Shape', ['input_ids'], [`${p}ids_shape`])
    .node('Slice', [`${p}ids_shape`, `${p}c_one`, `${p}c_two`], [`${p}seq_len`])
    .node('Slice', [`${p}position_embedding`, `${p}c_zero`, `${p}seq_len`, `${p}c_zero`], [`${p}pos`])
    .node('Add', [`${p}tok`, `${p}pos`], [`${p}x0`])
    .node('Cast', ['attention_mask'], [`${p}mask_f`], { to: { int: 1 } })
    .node('Unsqueeze', [`${p}mask_f`, `${p}c_two`], [`${p}mask3`])
    .node('Mul', [`${p}x0`, `${p}mask3`], [`${p}x`])
    .node('CumSum', [`${p}x`, `${p}c_axis1`], [`${p}x_cumsum`])
    .node('CumSum', [`${p}mask3`, `${p}c_axis1`], [`${p}count`])
    .node('Max', [`${p}count`, `${p}c_min_count`], [`${p}count_safe`])
    .node('Div', [`${p}x_cumsum`, `${p}count_safe`], [`${p}causal_mean`]);
  const mixed = addMixingBlock(g, `${p}mix_`, `${p}causal_mean`, width, random);
  // Pool at the first end token: ArgMax over the ids cast to int32, as the HF export does.
  g.node('Cast', ['input_ids'], [`${p}ids_i32`], { to: { int: 6 } })
    .node('ArgMax', [`${p}ids_i32`], [`${p}eot_index`], { axis: { int: 1 }, keepdims: { int: 1 } })
    .node('GatherND', [mixed, `${p}eot_index`], [`${p}pooled`], { batch_dims: { int: 1 } })
    .node('MatMul', [`${p}pooled`, `${p}projection`], [output]);
}

/** Vision tower nodes: strided Conv patchify, mean over patches, mixing block, projection. */
export function addVisionTower(g: OnnxGraphBuilder, p: string, shape: TinyTowerShape, random: SeededRandom, output: string): void {
  const { width, embeddingDim, patchSize } = shape;
  const fanIn = 3 * patchSize * patchSize;
  g.initializer(`${p}patch_weight`, f32([width, 3, patchSize, patchSize], normalArray(random, width * fanIn, 4 / Math.sqrt(fanIn))))
    .initializer(`${p}class_bias`, f32([width], normalArray(random, width, 0.2)))
    .initializer(`${p}projection`, f32([width, embeddingDim], normalArray(random, width * embeddingDim, 1 / Math.sqrt(width))))
    .node('Conv', ['pixel_values', `${p}patch_weight`], [`${p}patches`], {
      kernel_shape: { ints: [patchSize, patchSize] },
      strides: { ints: [patchSize, patchSize] },
    })
    .node('ReduceMean', [`${p}patches`], [`${p}patch_mean`], { axes: { ints: [2, 3] }, keepdims: { int: 0 } })
    .node('Add', [`${p}patch_mean`, `${p}class_bias`], [`${p}pooled`]);
  const mixed = addMixingBlock(g, `${p}mix_`, `${p}pooled`, width, random);
  g.node('MatMul', [mixed, `${p}projection`], [output]);
}

/** L2 normalisation over the last axis, as CLIPModel applies to its returned embeds. */
export function addL2Normalize(g: OnnxGraphBuilder, input: string, output: string): void {
  g.node('ReduceL2', [input], [`${input}_norm`], { axes: { ints: [1] }, keepdims: { int: 1 } }).node('Div', [input, `${input}_norm`], [output]);
}

export function textModelBytes(shape: TinyTowerShape, random: SeededRandom): Uint8Array {
  const g = new OnnxGraphBuilder('tiny_clip_text')
    .input('input_ids', 'int64', ['batch_size', 'sequence_length'])
    .input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  addTextTower(g, 'text.', shape, random, 'text_embeds');
  return g.output('text_embeds', 'float32', ['batch_size', shape.embeddingDim]).toBytes({ producerName: 'negmine-tiny-clip' });
}

export function visionModelBytes(shape: TinyTowerShape, random: SeededRandom): Uint8Array {
  const g = new OnnxGraphBuilder('tiny_clip_vision').input('pixel_values', 'float32', ['batch_size', 3, shape.imageSize, shape.imageSize]);
  addVisionTower(g, 'vision.', shape, random, 'image_embeds');
  return g.output('image_embeds', 'float32', ['batch_size', shape.embeddingDim]).toBytes({ producerName: 'negmine-tiny-clip' });
}

/** One graph with both towers and normalised outputs, like an exported CLIPModel (onnx/model.onnx). */
export function combinedModelBytes(shape: TinyTowerShape, textRandom: SeededRandom, visionRandom: SeededRandom): Uint8Array {
  const g = new OnnxGraphBuilder('tiny_clip')
    .input('input_ids', 'int64', ['text_batch_size', 'sequence_length'])
    .input('attention_mask', 'int64', ['text_batch_size', 'sequence_length'])
    .input('pixel_values', 'float32', ['image_batch_size', 3, shape.imageSize, shape.imageSize]);
  addTextTower(g, 'text.', shape, textRandom, 'text_embeds_raw');
  addVisionTower(g, 'vision.', shape, visionRandom, 'image_embeds_raw');
  addL2Normalize(g, 'text_embeds_raw', 'text_embeds');
  addL2Normalize(g, 'image_embeds_raw', 'image_embeds');
  return g
    .output('text_embeds', 'float32', ['text_batch_size', shape.embeddingDim])
    .output('image_embeds', 'float32', ['image_batch_size', shape.embeddingDim])
    .toBytes({ producerName: 'negmine-tiny-clip' });
}
