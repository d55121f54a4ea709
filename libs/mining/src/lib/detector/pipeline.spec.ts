// composePipeline on an in-memory "tower" (the runtime equality with embed-images + detector.onnx is
// proven in tools/cli/commands/export-detector.spec.ts on real CLIP graphs): what it accepts and refuses.
import { OnnxGraphBuilder, readOnnxModel } from '@negmine/formats';
import { SyntheticEmbeddings } from '../scoring/synthetic-embeddings.testing';
import { buildDetector } from './build-detector';
import { composePipeline } from './pipeline';

function tower(options: { opset?: number; width?: number; hiddenName?: string } = {}): Uint8Array {
  const width = options.width ?? 8;
  const hidden = options.hiddenName ?? 'hidden';
  return new OnnxGraphBuilder('tower')
    .input('pixel_values', 'float32', ['batch', 3, 2, 2])
    .initializer('flatten_shape', { type: 'int64', dims: [2], data: BigInt64Array.of(0n, 12n) })
    .initializer('projection', {
      type: 'float32',
      dims: [12, width],
      data: Float32Array.from({ length: 12 * width }, (_, i) => Math.sin(i)),
    })
    .node('Reshape', ['pixel_values', 'flatten_shape'], [hidden])
    .node('MatMul', [hidden, 'projection'], ['image_embeds'])
    .output('image_embeds', 'float32', ['batch', width])
    .toBytes({ opset: options.opset ?? 14 });
}

describe('composePipeline', () => {
  const synthetic = new SyntheticEmbeddings(3, 8);
  const detector = (async () =>
    (await buildDetector({ method: 'mcm', idText: synthetic.labels(4), threshold: { value: 0.5 }, codeVersion: 't' }))
      .onnxBytes)();

  it('takes pixel_values alone and gives the detector outputs, at the tower opset', async () => {
    const model = readOnnxModel(composePipeline(tower(), await detector));
    expect(model.graph.inputs.map((i) => i.name)).toEqual(['pixel_values']);
    expect(model.graph.outputs.map((o) => o.name)).toEqual([
      'score',
      'is_ood',
      'predicted_class',
      'predicted_probability',
    ]);
    expect(model.opsetImports).toEqual([{ domain: '', version: 14 }]);
    expect(model.metadata['negmine.method']).toBe('mcm');
  });

  it('picks a prefix the tower does not use', async () => {
    const model = readOnnxModel(composePipeline(tower({ hiddenName: 'detector/hidden' }), await detector));
    expect(model.graph.initializers.map((i) => i.name)).toContain('detector1/id_text');
  });

  it('refuses a tower of another width, below opset 13, or without the named input or output', async () => {
    const bytes = await detector;
    expect(() => composePipeline(tower({ width: 6 }), bytes)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('width 6') }),
    );
    expect(() => composePipeline(tower({ opset: 12 }), bytes)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('opset 13') }),
    );
    expect(() => composePipeline(tower(), bytes, { pixelInput: 'images' })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('no input') }),
    );
    expect(() => composePipeline(tower(), bytes, { embedsOutput: 'embeds' })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('no output') }),
    );
    expect(() => composePipeline(new Uint8Array([7, 7]), bytes)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => composePipeline(tower(), tower())).toThrow(expect.objectContaining({ code: 'INVALID_DETECTOR' }));
  });
});
