// The ONNX reader and composer on graphs built in memory: what is read back, how the first graph is
// pruned, how the second is renamed, and which compositions are refused.
import { FormatsErrorCode } from './errors';
import { composeOnnxModels } from './onnx-compose';
import { OnnxGraphBuilder } from './onnx-model-builder';
import { defaultOpsetVersion, readOnnxModel } from './onnx-model-reader';

/** A "tower" with two branches: pixels → embeds (used) and tokens → text (pruned away). */
function tower(opset = 14, embedsType: 'float32' | 'float16' = 'float32'): Uint8Array {
  const g = new OnnxGraphBuilder('tower')
    .input('pixels', 'float32', ['batch', 4])
    .input('tokens', 'int64', ['batch', 2])
    .initializer('w', { type: 'float32', dims: [4, 3], data: new Float32Array(12).fill(0.5) })
    .initializer('unused', { type: 'float32', dims: [1], data: Float32Array.of(1) })
    .node('MatMul', ['pixels', 'w'], ['hidden'])
    .node('Cast', ['tokens'], ['text'], { to: { int: 1 } });
  if (embedsType === 'float16') g.node('Cast', ['hidden'], ['embeds'], { to: { int: 10 } });
  else g.node('Identity', ['hidden'], ['embeds']);
  return g
    .output('embeds', embedsType, ['batch', 3])
    .output('text', 'float32', ['batch', 2])
    .toBytes({ opset, metadata: { origin: 'tower' } });
}

function head(opset = 13): Uint8Array {
  return new OnnxGraphBuilder('head')
    .input('x', 'float32', ['batch', 3])
    .initializer('w', { type: 'float32', dims: [3, 1], data: Float32Array.of(1, 2, 3) })
    .node('MatMul', ['x', 'w'], ['hidden'])
    .node('Identity', ['hidden'], ['score'])
    .output('score', 'float32', ['batch', 1])
    .toBytes({ opset });
}

describe('readOnnxModel', () => {
  it('reads back what the builder wrote', () => {
    const model = readOnnxModel(tower());
    expect(model.irVersion).toBe(8);
    expect(defaultOpsetVersion(model)).toBe(14);
    expect(model.metadata).toEqual({ origin: 'tower' });
    expect(model.graph.inputs.map((i) => [i.name, i.elemType, i.dims])).toEqual([
      ['pixels', 1, ['batch', 4]],
      ['tokens', 7, ['batch', 2]],
    ]);
    expect(model.graph.nodes.map((n) => [n.opType, n.inputs, n.outputs])).toEqual([
      ['MatMul', ['pixels', 'w'], ['hidden']],
      ['Cast', ['tokens'], ['text']],
      ['Identity', ['hidden'], ['embeds']],
    ]);
    expect(model.graph.initializers.map((i) => i.name)).toEqual(['w', 'unused']);
  });

  it('refuses bytes that are not a model', () => {
    expect(() => readOnnxModel(Uint8Array.of(0x0a, 0xff))).toThrow(
      expect.objectContaining({ code: FormatsErrorCode.OnnxUndecodable }),
    );
    expect(() => readOnnxModel(new Uint8Array(0))).toThrow(
      expect.objectContaining({ code: FormatsErrorCode.OnnxUndecodable }),
    );
  });
});

describe('composeOnnxModels', () => {
  it('prunes the first graph to the connected output and prefixes the second graph', () => {
    const composed = readOnnxModel(
      composeOnnxModels(tower(), head(), { connect: { x: 'embeds' }, prefix: 'head/', metadata: { k: 'v' } }),
    );
    expect(composed.graph.inputs.map((i) => i.name)).toEqual(['pixels']);
    expect(composed.graph.outputs.map((o) => o.name)).toEqual(['score']);
    expect(composed.graph.initializers.map((i) => i.name)).toEqual(['w', 'head/w']);
    expect(composed.graph.nodes.map((n) => [n.opType, n.inputs, n.outputs])).toEqual([
      ['MatMul', ['pixels', 'w'], ['hidden']],
      ['Identity', ['hidden'], ['embeds']],
      ['MatMul', ['embeds', 'head/w'], ['head/hidden']],
      ['Identity', ['head/hidden'], ['score']],
    ]);
    expect(defaultOpsetVersion(composed)).toBe(14);
    expect(composed.metadata).toEqual({ k: 'v' });
  });

  it('casts a float16 output to the float32 input it feeds', () => {
    const composed = readOnnxModel(
      composeOnnxModels(tower(14, 'float16'), head(), { connect: { x: 'embeds' }, prefix: 'head/' }),
    );
    const cast = composed.graph.nodes.find((n) => n.inputs[0] === 'embeds');
    expect(cast).toMatchObject({ opType: 'Cast', outputs: ['head/x'] });
  });

  it('refuses unconnected inputs, unknown outputs, clashing names and a first opset below the second', () => {
    const code = { code: FormatsErrorCode.OnnxCompositionFailed };
    expect(() => composeOnnxModels(tower(), head(), { connect: {} })).toThrow(expect.objectContaining(code));
    expect(() => composeOnnxModels(tower(), head(), { connect: { x: 'nope' } })).toThrow(expect.objectContaining(code));
    expect(() => composeOnnxModels(tower(), head(), { connect: { x: 'embeds', y: 'text' } })).toThrow(
      expect.objectContaining(code),
    );
    expect(() => composeOnnxModels(tower(), head(), { connect: { x: 'embeds' }, prefix: '' })).toThrow(
      expect.objectContaining({ ...code, message: expect.stringContaining("'hidden' twice") }),
    );
    expect(() => composeOnnxModels(tower(12), head(13), { connect: { x: 'embeds' } })).toThrow(
      expect.objectContaining({ ...code, message: expect.stringContaining('opset 12') }),
    );
  });
});
