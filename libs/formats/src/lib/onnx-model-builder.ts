// Builds ONNX model bytes in memory (ModelProto → GraphProto → NodeProto/TensorProto), so
// kernels and test-model generators need no Python and no files. Public.
// Field numbers follow onnx/onnx.proto (IR version 8).
import { FormatsError, FormatsErrorCode } from './errors';
import { ProtobufWriter } from './protobuf-writer';

export type OnnxElementType = 'float32' | 'float16' | 'float64' | 'int64' | 'int32' | 'uint8' | 'int8' | 'bool';

const ELEMENT_TYPE_CODE: Readonly<Record<OnnxElementType, number>> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
};

/** A dimension: a fixed size or a symbolic name (dynamic). */
export type OnnxDim = number | string;

export type OnnxTensorData =
  Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array | Uint16Array;

export interface OnnxTensor {
  readonly type: OnnxElementType;
  readonly dims: readonly number[];
  readonly data: OnnxTensorData;
}

export type OnnxAttribute =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly string: string }
  | { readonly tensor: OnnxTensor };

interface NodeSpec {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, OnnxAttribute>>;
  readonly name: string;
  readonly domain: string;
}

interface ValueSpec {
  readonly name: string;
  readonly type: OnnxElementType;
  readonly shape: readonly OnnxDim[];
}

export interface OnnxModelOptions {
  /** Default-domain opset version; 17 is supported by onnxruntime-node 1.30. */
  readonly opset?: number;
  readonly irVersion?: number;
  readonly producerName?: string;
  readonly docString?: string;
  /** Extra entries written to the model's metadata_props. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export class OnnxGraphBuilder {
  private readonly inputs: ValueSpec[] = [];
  private readonly outputs: ValueSpec[] = [];
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: Array<{ name: string; tensor: OnnxTensor }> = [];
  private readonly names = new Set<string>();

  constructor(private readonly graphName: string) {}

  input(name: string, type: OnnxElementType, shape: readonly OnnxDim[]): this {
    this.declare(name);
    this.inputs.push({ name, type, shape });
    return this;
  }

  output(name: string, type: OnnxElementType, shape: readonly OnnxDim[]): this {
    this.outputs.push({ name, type, shape });
    return this;
  }

  initializer(name: string, tensor: OnnxTensor): this {
    const count = tensor.dims.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length) {
      throw new FormatsError(
        FormatsErrorCode.OnnxInvalidGraph,
        `initializer '${name}' has dims [${tensor.dims.join(', ')}] (${count} elements) but ${tensor.data.length} values`,
        { name },
      );
    }
    this.declare(name);
    this.initializers.push({ name, tensor });
    return this;
  }

  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: Readonly<Record<string, OnnxAttribute>> = {},
    domain = '',
  ): this {
    for (const out of outputs) this.declare(out);
    this.nodes.push({ opType, inputs, outputs, attributes, name: `${opType}_${this.nodes.length}`, domain });
    return this;
  }

  private declare(name: string): void {
    if (this.names.has(name)) {
      throw new FormatsError(
        FormatsErrorCode.OnnxInvalidGraph,
        `value '${name}' is defined twice in graph '${this.graphName}'`,
        { name },
      );
    }
    this.names.add(name);
  }

  toBytes(options: OnnxModelOptions = {}): Uint8Array {
    const opset = options.opset ?? 17;
    const w = new ProtobufWriter();
    w.int(1, options.irVersion ?? 8);
    w.string(2, options.producerName ?? 'negmine');
    if (options.docString !== undefined) w.string(6, options.docString);
    w.message(7, (g) => this.writeGraph(g));
    w.message(8, (o) => o.string(1, '').int(2, opset));
    for (const [key, value] of Object.entries(options.metadata ?? {})) {
      w.message(14, (m) => m.string(1, key).string(2, value));
    }
    return w.finish();
  }

  private writeGraph(g: ProtobufWriter): void {
    for (const node of this.nodes) g.message(1, (n) => writeNode(n, node));
    g.string(2, this.graphName);
    for (const { name, tensor } of this.initializers) g.message(5, (t) => writeTensor(t, name, tensor));
    for (const value of this.inputs) g.message(11, (v) => writeValueInfo(v, value));
    for (const value of this.outputs) g.message(12, (v) => writeValueInfo(v, value));
  }
}

function writeNode(w: ProtobufWriter, node: NodeSpec): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, attr] of Object.entries(node.attributes)) w.message(5, (a) => writeAttribute(a, name, attr));
  if (node.domain !== '') w.string(7, node.domain);
}

// AttributeProto: name=1 f=2 i=3 s=4 t=5 floats=7 ints=8 type=20 (FLOAT=1 INT=2 STRING=3 TENSOR=4 FLOATS=6 INTS=7)
function writeAttribute(w: ProtobufWriter, name: string, attr: OnnxAttribute): void {
  w.string(1, name);
  if ('int' in attr) w.int(3, attr.int).int(20, 2);
  else if ('float' in attr) w.float(2, attr.float).int(20, 1);
  else if ('ints' in attr) {
    for (const v of attr.ints) w.int(8, v);
    w.int(20, 7);
  } else if ('floats' in attr) {
    for (const v of attr.floats) w.float(7, v);
    w.int(20, 6);
  } else if ('string' in attr) w.string(4, attr.string).int(20, 3);
  else {
    w.message(5, (t) => writeTensor(t, '', attr.tensor));
    w.int(20, 4);
  }
}

// TensorProto: dims=1 data_type=2 name=8 raw_data=9 (little-endian bytes)
function writeTensor(w: ProtobufWriter, name: string, tensor: OnnxTensor): void {
  for (const d of tensor.dims) w.int(1, d);
  w.int(2, ELEMENT_TYPE_CODE[tensor.type]);
  if (name !== '') w.string(8, name);
  w.bytes(9, new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
}

// ValueInfoProto: name=1 type=2; TypeProto.tensor_type=1 {elem_type=1 shape=2 {dim=1 {dim_value=1 dim_param=2}}}
function writeValueInfo(w: ProtobufWriter, value: ValueSpec): void {
  w.string(1, value.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ELEMENT_TYPE_CODE[value.type]);
      tensor.message(2, (shape) => {
        for (const dim of value.shape) {
          shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
        }
      });
    }),
  );
}
