// Composes two ONNX models into one graph, the first feeding the second (e.g. a CLIP vision tower
// feeding an OOD detector), at the byte level: the first graph is pruned to what the connected
// outputs need, the second is appended with its internal names prefixed. Public.
import { FormatsError, FormatsErrorCode } from './errors';
import { defaultOpsetVersion, readOnnxModel, type OnnxModelView, type OnnxOpsetImport } from './onnx-model-reader';
import { fieldString, readProtobufFields, type ProtobufField } from './protobuf-reader';
import { ProtobufWriter } from './protobuf-writer';

export interface OnnxCompositionOptions {
  /** For every input of the second graph, the output of the first graph that feeds it. */
  readonly connect: Readonly<Record<string, string>>;
  /**
   * Prefix given to every value and node name of the second graph except its outputs, which keep
   * their names (they become the composed graph's outputs). Default 'second/'.
   */
  readonly prefix?: string;
  readonly graphName?: string;
  readonly producerName?: string;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

function compositionError(message: string, details: Readonly<Record<string, unknown>> = {}): FormatsError {
  return new FormatsError(FormatsErrorCode.OnnxCompositionFailed, message, details);
}

const CAST_TARGETS = new Set([1, 10, 11]); // float32, float16, float64

/**
 * The composed model's bytes. The result's opsets are the first model's (plus domains only the
 * second uses); the second model's ops must keep their meaning at those versions, so the first
 * model's default-domain opset may not be below the second's. A connected output whose float type
 * differs from the input it feeds (a float16 tower feeding a float32 graph) gets a Cast.
 */
export function composeOnnxModels(
  firstBytes: Uint8Array,
  secondBytes: Uint8Array,
  options: OnnxCompositionOptions,
): Uint8Array {
  const first = readOnnxModel(firstBytes);
  const second = readOnnxModel(secondBytes);
  const prefix = options.prefix ?? 'second/';
  const firstOutputs = new Map(first.graph.outputs.map((o) => [o.name, o]));
  const secondInitializerNames = new Set(second.graph.initializers.map((i) => i.name));
  const secondInputs = second.graph.inputs.filter((i) => !secondInitializerNames.has(i.name));

  // 1. Connections: every runtime input of the second graph comes from a first-graph output.
  const fed = new Map<string, string>();
  for (const input of secondInputs) {
    const source = options.connect[input.name];
    if (source === undefined) {
      throw compositionError(
        `input '${input.name}' of the second graph is not connected; connect maps each of its inputs (${secondInputs.map((i) => i.name).join(', ')}) to an output of the first`,
        {
          input: input.name,
        },
      );
    }
    if (!firstOutputs.has(source)) {
      throw compositionError(
        `'${source}' is not an output of the first graph; its outputs are: ${[...firstOutputs.keys()].join(', ')}`,
        { output: source },
      );
    }
    fed.set(input.name, source);
  }
  for (const name of Object.keys(options.connect)) {
    if (!secondInputs.some((i) => i.name === name))
      throw compositionError(`connect names '${name}', which is not an input of the second graph`, { input: name });
  }
  if (second.functions.length > 0 || second.graph.nodes.some((n) => n.hasSubgraph)) {
    throw compositionError('the second graph uses local functions or subgraphs, which this composer does not rename');
  }
  for (const init of [...first.graph.initializers, ...second.graph.initializers]) {
    if (init.external) {
      throw compositionError(
        `initializer '${init.name}' keeps its data in an external file; compose only self-contained models (re-save without external data)`,
        {
          initializer: init.name,
        },
      );
    }
  }

  // 2. Prune the first graph to the nodes the connected outputs depend on (nodes are topologically
  // sorted by the ONNX spec). A subgraph can read any outer value, so with one nothing is pruned.
  const needed = new Set(fed.values());
  const prune = !first.graph.nodes.some((n) => n.hasSubgraph);
  const keptNodes = prune
    ? first.graph.nodes
        .slice()
        .reverse()
        .filter((node) => {
          if (!node.outputs.some((o) => needed.has(o))) return false;
          for (const input of node.inputs) if (input !== '') needed.add(input);
          return true;
        })
        .reverse()
    : first.graph.nodes;
  const keep = (name: string): boolean => !prune || needed.has(name);
  const keptInputs = first.graph.inputs.filter((i) => keep(i.name));
  const keptInitializers = first.graph.initializers.filter((i) => keep(i.name));
  const keptValueInfo = first.graph.valueInfo.filter((v) => keep(v.name));

  // 3. Names of the second graph: inputs become the feeding values, outputs keep their names,
  // everything else is prefixed.
  const taken = new Set<string>();
  for (const node of keptNodes) for (const o of node.outputs) taken.add(o);
  for (const v of [...keptInputs, ...keptInitializers]) taken.add(v.name);
  const secondOutputNames = new Set(second.graph.outputs.map((o) => o.name));
  const rename = new Map<string, string>();
  const casts: Array<{ from: string; to: string; type: number }> = [];
  for (const input of secondInputs) {
    const source = fed.get(input.name)!;
    const sourceType = firstOutputs.get(source)!.elemType;
    if (input.elemType !== undefined && sourceType !== undefined && input.elemType !== sourceType) {
      if (!CAST_TARGETS.has(input.elemType) || !CAST_TARGETS.has(sourceType)) {
        throw compositionError(
          `output '${source}' (type ${sourceType}) cannot feed input '${input.name}' (type ${input.elemType}); only float types are cast`,
          {
            output: source,
            input: input.name,
          },
        );
      }
      casts.push({ from: source, to: `${prefix}${input.name}`, type: input.elemType });
      rename.set(input.name, `${prefix}${input.name}`);
    } else {
      rename.set(input.name, source);
    }
  }
  const mapName = (name: string): string => {
    if (name === '') return name;
    const known = rename.get(name);
    if (known !== undefined) return known;
    const mapped = secondOutputNames.has(name) ? name : `${prefix}${name}`;
    rename.set(name, mapped);
    return mapped;
  };
  const defined = new Set<string>(taken);
  const define = (name: string): void => {
    if (defined.has(name)) {
      throw compositionError(
        `the composed graph would define '${name}' twice; choose another prefix than '${prefix}'`,
        { name },
      );
    }
    defined.add(name);
  };
  for (const cast of casts) define(cast.to);
  const secondNodes = second.graph.nodes.map((node, index) => {
    for (const o of node.outputs) define(mapName(o));
    return rewriteNode(node.fields, mapName, `${prefix}${node.name === '' ? `node_${index}` : node.name}`);
  });
  const secondInitializers = second.graph.initializers.map((init) => {
    define(mapName(init.name));
    return rewriteNamed(init.fields, 8, mapName);
  });
  const secondValueInfo = second.graph.valueInfo.map((v) => rewriteNamed(readProtobufFields(v.encoded), 1, mapName));

  // 4. Opsets and IR version.
  const opsets = mergeOpsets(first, second);
  const w = new ProtobufWriter();
  w.int(1, Math.max(first.irVersion, second.irVersion));
  w.string(2, options.producerName ?? 'negmine');
  if (options.docString !== undefined) w.string(6, options.docString);
  w.message(7, (g) => {
    for (const node of keptNodes) g.bytes(1, node.encoded);
    for (const cast of casts)
      g.message(1, (n) => writeCast(n, cast.from, cast.to, cast.type, `${prefix}cast_${cast.from}`));
    for (const node of secondNodes) g.bytes(1, node);
    g.string(2, options.graphName ?? `${first.graph.name}+${second.graph.name}`);
    for (const init of keptInitializers) g.bytes(5, init.encoded);
    for (const init of secondInitializers) g.bytes(5, init);
    for (const input of keptInputs) g.bytes(11, input.encoded);
    for (const output of second.graph.outputs) g.bytes(12, output.encoded);
    for (const v of keptValueInfo) g.bytes(13, v.encoded);
    for (const v of secondValueInfo) g.bytes(13, v);
    for (const sparse of first.graph.sparseInitializers) g.bytes(15, sparse);
  });
  for (const opset of opsets) w.message(8, (o) => o.string(1, opset.domain).int(2, opset.version));
  for (const [key, value] of Object.entries(options.metadata ?? {}))
    w.message(14, (m) => m.string(1, key).string(2, value));
  for (const fn of first.functions) w.bytes(25, fn);
  return w.finish();
}

function rewriteNode(
  fields: readonly ProtobufField[],
  mapName: (name: string) => string,
  nodeName: string,
): Uint8Array {
  const w = new ProtobufWriter();
  let named = false;
  for (const f of fields) {
    if (f.field === 1 || f.field === 2) w.string(f.field, mapName(fieldString(f)));
    else if (f.field === 3) {
      w.string(3, nodeName);
      named = true;
    } else w.raw(f.raw);
  }
  if (!named) w.string(3, nodeName);
  return w.finish();
}

function rewriteNamed(
  fields: readonly ProtobufField[],
  nameField: number,
  mapName: (name: string) => string,
): Uint8Array {
  const w = new ProtobufWriter();
  for (const f of fields) {
    if (f.field === nameField) w.string(nameField, mapName(fieldString(f)));
    else w.raw(f.raw);
  }
  return w.finish();
}

function writeCast(w: ProtobufWriter, from: string, to: string, type: number, name: string): void {
  w.string(1, from).string(2, to).string(3, name).string(4, 'Cast');
  w.message(5, (a) => a.string(1, 'to').int(3, type).int(20, 2));
}

function mergeOpsets(first: OnnxModelView, second: OnnxModelView): OnnxOpsetImport[] {
  const firstDefault = defaultOpsetVersion(first);
  const secondDefault = defaultOpsetVersion(second);
  if (firstDefault !== undefined && secondDefault !== undefined && firstDefault < secondDefault) {
    throw compositionError(
      `the first model uses opset ${firstDefault} and the second needs ${secondDefault}; raising the first model's opset could change the meaning of its ops, so export it with opset ${secondDefault} or later`,
      { firstOpset: firstDefault, secondOpset: secondDefault },
    );
  }
  const merged = new Map(first.opsetImports.map((o) => [o.domain, o.version]));
  for (const o of second.opsetImports) {
    const existing = merged.get(o.domain);
    if (existing === undefined) merged.set(o.domain, o.version);
    else if (existing < o.version) {
      throw compositionError(
        `domain '${o.domain}': the first model imports version ${existing}, the second needs ${o.version}`,
        { domain: o.domain },
      );
    }
  }
  return [...merged].map(([domain, version]) => ({ domain, version }));
}
