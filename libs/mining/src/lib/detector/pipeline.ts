// pipeline.onnx: a CLIP vision tower (Hugging Face ONNX layout: input pixel_values, output
// image_embeds) and a detector.onnx composed into one graph, pixel_values → score, is_ood,
// predicted_class, predicted_probability. Pure bytes (no onnxruntime). Public.
import { composeOnnxModels, defaultOpsetVersion, readOnnxModel, FormatsError } from '@negmine/formats';
import { MiningError, MiningErrorCode } from '../errors';
import { DETECTOR_INPUT, DETECTOR_OPSET } from './detector-graph';
import { detectorEmbeddingDim } from './detector-runner';

export interface PipelineOptions {
  /** The tower's image input; default 'pixel_values'. */
  readonly pixelInput?: string;
  /** The tower's embedding output; default 'image_embeds'. */
  readonly embedsOutput?: string;
}

function pipelineError(message: string, details: Readonly<Record<string, unknown>> = {}): MiningError {
  return new MiningError(MiningErrorCode.InvalidInput, message, details);
}

/**
 * Composes the tower (a vision_model.onnx, or a combined model.onnx whose text branch is pruned
 * away) with the detector. The result runs at the tower's opset, which must be at least 13 (the
 * detector's ops mean the same at every later version); a float16 tower output is cast to float32.
 */
export function composePipeline(
  visionTowerOnnx: Uint8Array,
  detectorOnnx: Uint8Array,
  options: PipelineOptions = {},
): Uint8Array {
  const pixelInput = options.pixelInput ?? 'pixel_values';
  const embedsOutput = options.embedsOutput ?? 'image_embeds';
  const dim = detectorEmbeddingDim(detectorOnnx);
  let tower;
  try {
    tower = readOnnxModel(visionTowerOnnx);
  } catch (error) {
    if (error instanceof FormatsError) throw pipelineError(`the vision tower is not an ONNX model: ${error.message}`);
    throw error;
  }
  const output = tower.graph.outputs.find((o) => o.name === embedsOutput);
  if (output === undefined) {
    throw pipelineError(
      `the vision tower has no output '${embedsOutput}'; its outputs are: ${tower.graph.outputs.map((o) => o.name).join(', ')}`,
      { output: embedsOutput },
    );
  }
  const width = output.dims?.[output.dims.length - 1];
  if (typeof width === 'number' && width !== dim) {
    throw pipelineError(
      `the vision tower's ${embedsOutput} has width ${width}, but the detector takes d = ${dim}; compose a detector built from this model's embeddings`,
      {
        towerDim: width,
        detectorDim: dim,
      },
    );
  }
  if (!tower.graph.inputs.some((i) => i.name === pixelInput)) {
    throw pipelineError(
      `the vision tower has no input '${pixelInput}'; its inputs are: ${tower.graph.inputs.map((i) => i.name).join(', ')}`,
      { input: pixelInput },
    );
  }
  const opset = defaultOpsetVersion(tower);
  if (opset === undefined || opset < DETECTOR_OPSET) {
    throw pipelineError(
      `the vision tower uses opset ${String(opset)}; a pipeline needs opset ${DETECTOR_OPSET} or later (re-export the model with a newer opset)`,
      { opset },
    );
  }
  // The detector's internal names get a prefix no tower value starts with, so nothing can clash.
  const towerNames = [
    ...tower.graph.nodes.flatMap((n) => n.outputs),
    ...tower.graph.initializers.map((i) => i.name),
    ...tower.graph.inputs.map((i) => i.name),
  ];
  let prefix = 'detector/';
  for (let n = 1; towerNames.some((name) => name.startsWith(prefix)); n++) prefix = `detector${n}/`;
  let composed: Uint8Array;
  try {
    composed = composeOnnxModels(visionTowerOnnx, detectorOnnx, {
      connect: { [DETECTOR_INPUT]: embedsOutput },
      prefix,
      graphName: 'negmine_pipeline',
      producerName: 'negmine',
      docString: `negmine pipeline: ${pixelInput} float32 [batch, 3, H, W] (CLIP preprocessing, see preprocessor_config.json) → the model's vision tower → the detector`,
      metadata: readOnnxModel(detectorOnnx).metadata,
    });
  } catch (error) {
    if (error instanceof FormatsError)
      throw pipelineError(`cannot compose the pipeline: ${error.message}`, { code: error.code });
    throw error;
  }
  const inputs = readOnnxModel(composed).graph.inputs.map((i) => i.name);
  if (inputs.length !== 1 || inputs[0] !== pixelInput) {
    throw pipelineError(
      `the tower's ${embedsOutput} depends on inputs ${inputs.join(', ')}; a pipeline takes ${pixelInput} alone`,
      { inputs },
    );
  }
  return composed;
}
