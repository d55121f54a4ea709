// Checks an ONNX session against the CLIP tower signatures of the Hugging Face exports (names,
// dtypes, ranks) and reads the embedding width; a mismatch is one typed error listing expected vs found.
import { EncodersError, EncodersErrorCode } from './errors';
import type { TensorSignature, TowerSession } from './session-factory';

interface ExpectedTensor {
  readonly name: string;
  readonly type: string;
  readonly rank: number;
  readonly optional?: boolean;
}

export const TEXT_INPUTS: readonly ExpectedTensor[] = [
  { name: 'input_ids', type: 'int64', rank: 2 },
  { name: 'attention_mask', type: 'int64', rank: 2, optional: true },
];
export const TEXT_OUTPUT: ExpectedTensor = { name: 'text_embeds', type: 'float32', rank: 2 };
export const VISION_INPUT: ExpectedTensor = { name: 'pixel_values', type: 'float32', rank: 4 };
export const VISION_OUTPUT: ExpectedTensor = { name: 'image_embeds', type: 'float32', rank: 2 };

export type TowerRole = 'text' | 'vision' | 'combined';

export interface TowerSignature {
  readonly hasAttentionMask: boolean;
  /** Declared embedding width per output, or undefined when the file leaves it symbolic. */
  readonly textEmbeddingDim?: number | undefined;
  readonly imageEmbeddingDim?: number | undefined;
  /** Declared [H, W] of pixel_values when fixed in the file. */
  readonly pixelSize?: readonly [number | string, number | string] | undefined;
}

function describe(t: TensorSignature): string {
  return `${t.name}: ${t.type}[${t.shape.map(String).join(', ')}]`;
}

function describeExpected(t: ExpectedTensor): string {
  return `${t.name}: ${t.type} rank ${t.rank}${t.optional === true ? ' (optional)' : ''}`;
}

/** Validates `session` for `role`; throws SignatureMismatch listing every problem. */
export function validateTowerSignature(session: TowerSession, role: TowerRole): TowerSignature {
  const expectedInputs =
    role === 'text' ? TEXT_INPUTS : role === 'vision' ? [VISION_INPUT] : [...TEXT_INPUTS, VISION_INPUT];
  const expectedOutputs =
    role === 'text' ? [TEXT_OUTPUT] : role === 'vision' ? [VISION_OUTPUT] : [TEXT_OUTPUT, VISION_OUTPUT];
  const problems: string[] = [];
  const check = (expected: ExpectedTensor, found: TensorSignature | undefined, kind: string): void => {
    if (found === undefined) {
      if (expected.optional !== true) problems.push(`missing ${kind} '${expected.name}'`);
      return;
    }
    if (found.type !== expected.type)
      problems.push(`${kind} '${expected.name}' is ${found.type}, expected ${expected.type}`);
    if (found.shape.length !== expected.rank)
      problems.push(`${kind} '${expected.name}' has rank ${found.shape.length}, expected ${expected.rank}`);
  };
  const inputByName = new Map(session.inputs.map((t) => [t.name, t]));
  const outputByName = new Map(session.outputs.map((t) => [t.name, t]));
  for (const e of expectedInputs) check(e, inputByName.get(e.name), 'input');
  for (const e of expectedOutputs) check(e, outputByName.get(e.name), 'output');
  // Every input must be fed; an input we do not know how to fill is a signature error.
  const known = new Set(expectedInputs.map((e) => e.name));
  for (const input of session.inputs)
    if (!known.has(input.name)) problems.push(`unexpected input '${input.name}' (this pipeline cannot feed it)`);
  const pixel = inputByName.get(VISION_INPUT.name);
  if (pixel !== undefined && pixel.shape.length === 4 && typeof pixel.shape[1] === 'number' && pixel.shape[1] !== 3) {
    problems.push(`input 'pixel_values' has ${pixel.shape[1]} channels, expected 3`);
  }
  if (problems.length > 0) {
    const expected = [
      ...expectedInputs.map((e) => `in  ${describeExpected(e)}`),
      ...expectedOutputs.map((e) => `out ${describeExpected(e)}`),
    ];
    const found = [
      ...session.inputs.map((t) => `in  ${describe(t)}`),
      ...session.outputs.map((t) => `out ${describe(t)}`),
    ];
    throw new EncodersError(
      EncodersErrorCode.SignatureMismatch,
      `${session.source} does not have the CLIP ${role} signature: ${problems.join('; ')}.\nExpected:\n  ${expected.join('\n  ')}\nFound:\n  ${found.join('\n  ')}`,
      { source: session.source, role, problems, expected, found },
    );
  }
  const width = (name: string): number | undefined => {
    const dim = outputByName.get(name)?.shape[1];
    return typeof dim === 'number' ? dim : undefined;
  };
  return {
    hasAttentionMask: inputByName.has('attention_mask'),
    textEmbeddingDim: role === 'vision' ? undefined : width(TEXT_OUTPUT.name),
    imageEmbeddingDim: role === 'text' ? undefined : width(VISION_OUTPUT.name),
    pixelSize: pixel === undefined ? undefined : [pixel.shape[2]!, pixel.shape[3]!],
  };
}
