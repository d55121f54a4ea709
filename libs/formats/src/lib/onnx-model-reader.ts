// Reads ONNX model bytes into a light view (ModelProto → GraphProto → nodes, initializers, inputs,
// outputs), keeping each element's encoded bytes so a composer can copy what it does not rewrite.
// Public. Field numbers follow onnx/onnx.proto.
import { FormatsError, FormatsErrorCode } from './errors';
import { fieldString, readProtobufFields, type ProtobufField } from './protobuf-reader';

export interface OnnxOpsetImport {
  readonly domain: string;
  readonly version: number;
}

export interface OnnxValueInfoView {
  readonly name: string;
  /** TensorProto.DataType code of a tensor value (1 float32, 7 int64, 9 bool, 10 float16, …); undefined when not a tensor. */
  readonly elemType: number | undefined;
  /** Tensor shape: fixed sizes, symbolic names, or undefined for an unknown dimension; undefined when no shape is declared. */
  readonly dims: ReadonlyArray<number | string | undefined> | undefined;
  /** Encoded ValueInfoProto (payload, without its tag). */
  readonly encoded: Uint8Array;
}

export interface OnnxNodeView {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** True when an attribute holds a subgraph (If, Loop, Scan), which may read outer-scope values. */
  readonly hasSubgraph: boolean;
  /** Encoded NodeProto fields, in order. */
  readonly fields: readonly ProtobufField[];
  readonly encoded: Uint8Array;
}

export interface OnnxInitializerView {
  readonly name: string;
  /** Stored outside the model file (data_location = EXTERNAL). */
  readonly external: boolean;
  readonly fields: readonly ProtobufField[];
  readonly encoded: Uint8Array;
}

export interface OnnxGraphView {
  readonly name: string;
  readonly nodes: readonly OnnxNodeView[];
  readonly initializers: readonly OnnxInitializerView[];
  /** Encoded SparseTensorProto initializers (rare; copied as they are). */
  readonly sparseInitializers: readonly Uint8Array[];
  readonly inputs: readonly OnnxValueInfoView[];
  readonly outputs: readonly OnnxValueInfoView[];
  readonly valueInfo: readonly OnnxValueInfoView[];
}

export interface OnnxModelView {
  readonly irVersion: number;
  readonly producerName: string;
  readonly opsetImports: readonly OnnxOpsetImport[];
  readonly graph: OnnxGraphView;
  /** Encoded model-local FunctionProtos (field 25), copied as they are. */
  readonly functions: readonly Uint8Array[];
  readonly metadata: Readonly<Record<string, string>>;
}

// ModelProto: ir_version=1 producer_name=2 graph=7 opset_import=8 metadata_props=14 functions=25
// GraphProto: node=1 name=2 initializer=5 input=11 output=12 value_info=13 sparse_initializer=15
// NodeProto: input=1 output=2 name=3 op_type=4 attribute=5 domain=7; AttributeProto: g=6 graphs=11 type=20
// TensorProto: name=8 data_location=14 (1 = EXTERNAL)

function undecodable(message: string): FormatsError {
  return new FormatsError(FormatsErrorCode.OnnxUndecodable, message);
}

function fieldsOf(bytes: Uint8Array | undefined, what: string): ProtobufField[] {
  if (bytes === undefined) throw undecodable(`${what} is not a length-delimited message`);
  return readProtobufFields(bytes);
}

function readValueInfo(encoded: Uint8Array): OnnxValueInfoView {
  let name = '';
  let elemType: number | undefined;
  let dims: Array<number | string | undefined> | undefined;
  for (const f of readProtobufFields(encoded)) {
    if (f.field === 1) name = fieldString(f);
    else if (f.field === 2 && f.bytes !== undefined) {
      // TypeProto.tensor_type=1 { elem_type=1, shape=2 { dim=1 { dim_value=1 | dim_param=2 } } }
      for (const t of readProtobufFields(f.bytes)) {
        if (t.field !== 1 || t.bytes === undefined) continue;
        for (const tensor of readProtobufFields(t.bytes)) {
          if (tensor.field === 1 && tensor.varint !== undefined) elemType = Number(tensor.varint);
          else if (tensor.field === 2 && tensor.bytes !== undefined) {
            dims = [];
            for (const dim of readProtobufFields(tensor.bytes)) {
              if (dim.field !== 1 || dim.bytes === undefined) continue;
              let value: number | string | undefined;
              for (const d of readProtobufFields(dim.bytes)) {
                if (d.field === 1 && d.varint !== undefined) value = Number(d.varint);
                else if (d.field === 2) value = fieldString(d);
              }
              dims.push(value);
            }
          }
        }
      }
    }
  }
  return { name, elemType, dims, encoded };
}

function attributeHasSubgraph(encoded: Uint8Array): boolean {
  return readProtobufFields(encoded).some((f) => f.field === 6 || f.field === 11);
}

function readNode(encoded: Uint8Array): OnnxNodeView {
  const fields = readProtobufFields(encoded);
  const inputs: string[] = [];
  const outputs: string[] = [];
  let name = '';
  let opType = '';
  let domain = '';
  let hasSubgraph = false;
  for (const f of fields) {
    if (f.field === 1) inputs.push(fieldString(f));
    else if (f.field === 2) outputs.push(fieldString(f));
    else if (f.field === 3) name = fieldString(f);
    else if (f.field === 4) opType = fieldString(f);
    else if (f.field === 7) domain = fieldString(f);
    else if (f.field === 5 && f.bytes !== undefined && attributeHasSubgraph(f.bytes)) hasSubgraph = true;
  }
  return { name, opType, domain, inputs, outputs, hasSubgraph, fields, encoded };
}

function readInitializer(encoded: Uint8Array): OnnxInitializerView {
  const fields = readProtobufFields(encoded);
  let name = '';
  let external = false;
  for (const f of fields) {
    if (f.field === 8) name = fieldString(f);
    else if (f.field === 14 && f.varint === 1n) external = true;
  }
  return { name, external, fields, encoded };
}

function readGraph(encoded: Uint8Array): OnnxGraphView {
  let name = '';
  const nodes: OnnxNodeView[] = [];
  const initializers: OnnxInitializerView[] = [];
  const sparseInitializers: Uint8Array[] = [];
  const inputs: OnnxValueInfoView[] = [];
  const outputs: OnnxValueInfoView[] = [];
  const valueInfo: OnnxValueInfoView[] = [];
  for (const f of readProtobufFields(encoded)) {
    const payload = f.bytes;
    if (f.field === 2) name = fieldString(f);
    else if (payload === undefined) continue;
    else if (f.field === 1) nodes.push(readNode(payload));
    else if (f.field === 5) initializers.push(readInitializer(payload));
    else if (f.field === 11) inputs.push(readValueInfo(payload));
    else if (f.field === 12) outputs.push(readValueInfo(payload));
    else if (f.field === 13) valueInfo.push(readValueInfo(payload));
    else if (f.field === 15) sparseInitializers.push(payload);
  }
  return { name, nodes, initializers, sparseInitializers, inputs, outputs, valueInfo };
}

/** Decodes an ONNX ModelProto; throws ONNX_UNDECODABLE when the bytes are not one. */
export function readOnnxModel(bytes: Uint8Array): OnnxModelView {
  let irVersion: number | undefined;
  let producerName = '';
  let graph: OnnxGraphView | undefined;
  const opsetImports: OnnxOpsetImport[] = [];
  const functions: Uint8Array[] = [];
  const metadata: Record<string, string> = {};
  for (const f of readProtobufFields(bytes)) {
    if (f.field === 1 && f.varint !== undefined) irVersion = Number(f.varint);
    else if (f.field === 2) producerName = fieldString(f);
    else if (f.field === 7) graph = readGraph(f.bytes ?? new Uint8Array(0));
    else if (f.field === 8) {
      let domain = '';
      let version = 0;
      for (const o of fieldsOf(f.bytes, 'opset_import')) {
        if (o.field === 1) domain = fieldString(o);
        else if (o.field === 2 && o.varint !== undefined) version = Number(o.varint);
      }
      opsetImports.push({ domain: domain === 'ai.onnx' ? '' : domain, version });
    } else if (f.field === 14) {
      let key = '';
      let value = '';
      for (const m of fieldsOf(f.bytes, 'metadata_props')) {
        if (m.field === 1) key = fieldString(m);
        else if (m.field === 2) value = fieldString(m);
      }
      metadata[key] = value;
    } else if (f.field === 25 && f.bytes !== undefined) functions.push(f.bytes);
  }
  if (irVersion === undefined || graph === undefined) {
    throw undecodable('the bytes are not an ONNX model: a ModelProto needs an ir_version and a graph');
  }
  return { irVersion, producerName, opsetImports, graph, functions, metadata };
}

/** The default-domain ('' / ai.onnx) opset version of a model, or undefined. */
export function defaultOpsetVersion(model: OnnxModelView): number | undefined {
  return model.opsetImports.find((o) => o.domain === '')?.version;
}
