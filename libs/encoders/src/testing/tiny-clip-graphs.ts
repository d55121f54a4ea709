// ONNX graphs of the generated tiny CLIP towers, built in memory with OnnxGraphBuilder and seeded
// weights. Same signatures as the Hugging Face exports: the text tower is a small causal transformer
// pooled at argmax(input_ids) (the first end token) like the real export; vision patchifies with a
// strided Conv and mean-pools the patches.
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
  /** Text transformer blocks and attention heads (width must divide by heads). */
  readonly layers: number;
  readonly heads: number;
}

const LAYER_NORM_EPSILON = 1e-5;
/** Additive attention mask value: large enough that softmax weights vanish, finite to avoid NaN. */
const MASKED = -1e9;

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
    .initializer(
      `${p}ln_scale`,
      f32(
        [width],
        Float32Array.from(normalArray(random, width, 0.1), (v) => 1 + v),
      ),
    )
    .initializer(`${p}ln_bias`, f32([width], normalArray(random, width, 0.1)))
    .node('MatMul', [input, `${p}mlp_w1`], [`${p}h1`])
    .node('Add', [`${p}h1`, `${p}mlp_b1`], [`${p}h1b`])
    .node('Tanh', [`${p}h1b`], [`${p}h1t`])
    .node('MatMul', [`${p}h1t`, `${p}mlp_w2`], [`${p}h2`])
    .node('Add', [`${p}h2`, `${p}mlp_b2`], [`${p}h2b`])
    .node('Add', [input, `${p}h2b`], [`${p}res`])
    .node('LayerNormalization', [`${p}res`, `${p}ln_scale`, `${p}ln_bias`], [`${p}ln`], {
      axis: { int: -1 },
      epsilon: { float: LAYER_NORM_EPSILON },
    });
  return `${p}ln`;
}

/** Pre-LN LayerNorm over the last axis with seeded scale and bias. */
function addLayerNorm(g: OnnxGraphBuilder, p: string, input: string, width: number, random: SeededRandom): string {
  g.initializer(
    `${p}scale`,
    f32(
      [width],
      Float32Array.from(normalArray(random, width, 0.1), (v) => 1 + v),
    ),
  )
    .initializer(`${p}bias`, f32([width], normalArray(random, width, 0.1)))
    .node('LayerNormalization', [input, `${p}scale`, `${p}bias`], [`${p}out`], {
      axis: { int: -1 },
      epsilon: { float: LAYER_NORM_EPSILON },
    });
  return `${p}out`;
}

/** x @ W + b with seeded weights; returns the output name. */
function addLinear(
  g: OnnxGraphBuilder,
  p: string,
  input: string,
  inWidth: number,
  outWidth: number,
  random: SeededRandom,
): string {
  g.initializer(`${p}w`, f32([inWidth, outWidth], normalArray(random, inWidth * outWidth, 1 / Math.sqrt(inWidth))))
    .initializer(`${p}b`, f32([outWidth], normalArray(random, outWidth, 0.1)))
    .node('MatMul', [input, `${p}w`], [`${p}xw`])
    .node('Add', [`${p}xw`, `${p}b`], [`${p}out`]);
  return `${p}out`;
}

/**
 * One CLIP text block: x + MHA(LN1(x)) with a causal mask and masked padding keys (HF semantics),
 * then x + MLP(LN2(x)) with QuickGELU. `additiveMask` is [batch, 1, seq, seq].
 */
function addTextBlock(
  g: OnnxGraphBuilder,
  p: string,
  input: string,
  additiveMask: string,
  shape: TinyTowerShape,
  random: SeededRandom,
): string {
  const { width, heads } = shape;
  const headWidth = width / heads;
  const ln1 = addLayerNorm(g, `${p}ln1_`, input, width, random);
  const q = addLinear(g, `${p}q_`, ln1, width, width, random);
  const k = addLinear(g, `${p}k_`, ln1, width, width, random);
  const v = addLinear(g, `${p}v_`, ln1, width, width, random);
  g.initializer(`${p}heads_shape`, i64([0, 0, heads, headWidth]))
    .initializer(`${p}merge_shape`, i64([0, 0, width]))
    .initializer(`${p}scale`, f32([], Float32Array.from([1 / Math.sqrt(headWidth)])))
    .node('Reshape', [q, `${p}heads_shape`], [`${p}q4`])
    .node('Transpose', [`${p}q4`], [`${p}qh`], { perm: { ints: [0, 2, 1, 3] } })
    .node('Reshape', [k, `${p}heads_shape`], [`${p}k4`])
    .node('Transpose', [`${p}k4`], [`${p}kt`], { perm: { ints: [0, 2, 3, 1] } })
    .node('Reshape', [v, `${p}heads_shape`], [`${p}v4`])
    .node('Transpose', [`${p}v4`], [`${p}vh`], { perm: { ints: [0, 2, 1, 3] } })
    .node('MatMul', [`${p}qh`, `${p}kt`], [`${p}scores_raw`])
    .node('Mul', [`${p}scores_raw`, `${p}scale`], [`${p}scores_scaled`])
    .node('Add', [`${p}scores_scaled`, additiveMask], [`${p}scores`])
    .node('Softmax', [`${p}scores`], [`${p}weights`], { axis: { int: -1 } })
    .node('MatMul', [`${p}weights`, `${p}vh`], [`${p}context_h`])
    .node('Transpose', [`${p}context_h`], [`${p}context_t`], { perm: { ints: [0, 2, 1, 3] } })
    .node('Reshape', [`${p}context_t`, `${p}merge_shape`], [`${p}context`]);
  const attended = addLinear(g, `${p}o_`, `${p}context`, width, width, random);
  g.node('Add', [input, attended], [`${p}res1`]);
  const ln2 = addLayerNorm(g, `${p}ln2_`, `${p}res1`, width, random);
  const hidden = addLinear(g, `${p}fc1_`, ln2, width, width * 4, random);
  g.initializer(`${p}gelu_k`, f32([], Float32Array.from([1.702])))
    .node('Mul', [hidden, `${p}gelu_k`], [`${p}gelu_in`])
    .node('Sigmoid', [`${p}gelu_in`], [`${p}gelu_gate`])
    .node('Mul', [hidden, `${p}gelu_gate`], [`${p}gelu`]);
  const projected = addLinear(g, `${p}fc2_`, `${p}gelu`, width * 4, width, random);
  g.node('Add', [`${p}res1`, projected], [`${p}out`]);
  return `${p}out`;
}

/** Text tower nodes: token + position embeddings, `layers` causal transformer blocks, final LN, pooled at argmax(ids). */
export function addTextTower(
  g: OnnxGraphBuilder,
  p: string,
  shape: TinyTowerShape,
  random: SeededRandom,
  output: string,
): void {
  const { vocabSize, contextLength, width, embeddingDim } = shape;
  const causal = new Float32Array(contextLength * contextLength);
  for (let i = 0; i < contextLength; i++)
    for (let j = i + 1; j < contextLength; j++) causal[i * contextLength + j] = MASKED;
  g.initializer(`${p}token_embedding`, f32([vocabSize, width], normalArray(random, vocabSize * width, 1)))
    .initializer(`${p}position_embedding`, f32([contextLength, width], normalArray(random, contextLength * width, 0.2)))
    .initializer(
      `${p}projection`,
      f32([width, embeddingDim], normalArray(random, width * embeddingDim, 1 / Math.sqrt(width))),
    )
    .initializer(`${p}causal_mask`, f32([contextLength, contextLength], causal))
    .initializer(`${p}c_zero`, i64([0]))
    .initializer(`${p}c_zeros2`, i64([0, 0]))
    .initializer(`${p}c_one`, i64([1]))
    .initializer(`${p}c_two`, i64([2]))
    .initializer(`${p}c_axes12`, i64([1, 2]))
    .initializer(`${p}c_one_f`, f32([], Float32Array.from([1])))
    .initializer(`${p}c_masked`, f32([], Float32Array.from([MASKED])))
    .node('Gather', [`${p}token_embedding`, 'input_ids'], [`${p}tok`], { axis: { int: 0 } })
    .node('Shape', ['input_ids'], [`${p}ids_shape`])
    .node('Slice', [`${p}ids_shape`, `${p}c_one`, `${p}c_two`], [`${p}seq_len`])
    .node('Slice', [`${p}position_embedding`, `${p}c_zero`, `${p}seq_len`, `${p}c_zero`], [`${p}pos`])
    .node('Add', [`${p}tok`, `${p}pos`], [`${p}x0`])
    // Additive mask [batch, 1, seq, seq]: causal part from the 77x77 table, padding keys from attention_mask.
    .node('Concat', [`${p}seq_len`, `${p}seq_len`], [`${p}seq_square`], { axis: { int: 0 } })
    .node('Slice', [`${p}causal_mask`, `${p}c_zeros2`, `${p}seq_square`], [`${p}causal`])
    .node('Cast', ['attention_mask'], [`${p}mask_f`], { to: { int: 1 } })
    .node('Sub', [`${p}c_one_f`, `${p}mask_f`], [`${p}mask_off`])
    .node('Mul', [`${p}mask_off`, `${p}c_masked`], [`${p}pad_additive`])
    .node('Unsqueeze', [`${p}pad_additive`, `${p}c_axes12`], [`${p}pad4`])
    .node('Add', [`${p}pad4`, `${p}causal`], [`${p}additive_mask`]);
  let x = `${p}x0`;
  for (let layer = 0; layer < shape.layers; layer++)
    x = addTextBlock(g, `${p}layer${layer}_`, x, `${p}additive_mask`, shape, random);
  const final = addLayerNorm(g, `${p}final_ln_`, x, width, random);
  // Pool at the first end token: ArgMax over the ids cast to int32, as the HF export does.
  g.node('Cast', ['input_ids'], [`${p}ids_i32`], { to: { int: 6 } })
    .node('ArgMax', [`${p}ids_i32`], [`${p}eot_index`], { axis: { int: 1 }, keepdims: { int: 1 } })
    .node('GatherND', [final, `${p}eot_index`], [`${p}pooled`], { batch_dims: { int: 1 } })
    .node('MatMul', [`${p}pooled`, `${p}projection`], [output]);
}

/** Vision tower nodes: strided Conv patchify, mean over patches, mixing block, projection. */
export function addVisionTower(
  g: OnnxGraphBuilder,
  p: string,
  shape: TinyTowerShape,
  random: SeededRandom,
  output: string,
): void {
  const { width, embeddingDim, patchSize } = shape;
  const fanIn = 3 * patchSize * patchSize;
  g.initializer(
    `${p}patch_weight`,
    f32([width, 3, patchSize, patchSize], normalArray(random, width * fanIn, 4 / Math.sqrt(fanIn))),
  )
    .initializer(`${p}class_bias`, f32([width], normalArray(random, width, 0.2)))
    .initializer(
      `${p}projection`,
      f32([width, embeddingDim], normalArray(random, width * embeddingDim, 1 / Math.sqrt(width))),
    )
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
  g.node('ReduceL2', [input], [`${input}_norm`], { axes: { ints: [1] }, keepdims: { int: 1 } }).node(
    'Div',
    [input, `${input}_norm`],
    [output],
  );
}

export function textModelBytes(shape: TinyTowerShape, random: SeededRandom): Uint8Array {
  const g = new OnnxGraphBuilder('tiny_clip_text')
    .input('input_ids', 'int64', ['batch_size', 'sequence_length'])
    .input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  addTextTower(g, 'text.', shape, random, 'text_embeds');
  return g
    .output('text_embeds', 'float32', ['batch_size', shape.embeddingDim])
    .toBytes({ producerName: 'negmine-tiny-clip' });
}

export function visionModelBytes(shape: TinyTowerShape, random: SeededRandom): Uint8Array {
  const g = new OnnxGraphBuilder('tiny_clip_vision').input('pixel_values', 'float32', [
    'batch_size',
    3,
    shape.imageSize,
    shape.imageSize,
  ]);
  addVisionTower(g, 'vision.', shape, random, 'image_embeds');
  return g
    .output('image_embeds', 'float32', ['batch_size', shape.embeddingDim])
    .toBytes({ producerName: 'negmine-tiny-clip' });
}

/** One graph with both towers and normalised outputs, like an exported CLIPModel (onnx/model.onnx). */
export function combinedModelBytes(
  shape: TinyTowerShape,
  textRandom: SeededRandom,
  visionRandom: SeededRandom,
): Uint8Array {
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
