// Declarative hyperparameter schemas for scoring methods: defaults, ranges, a sweep grid, and one
// validator that turns user overrides into resolved values or a typed error. Public.
import { MiningError, MiningErrorCode } from '../errors';

export interface NumberParameterSpec {
  readonly kind: 'number';
  /** What the value means, with its unit. */
  readonly description: string;
  readonly default: number;
  readonly integer?: boolean;
  /** Inclusive lower bound unless `minExclusive`. */
  readonly min?: number;
  readonly minExclusive?: boolean;
  /** Inclusive upper bound unless `maxExclusive`. */
  readonly max?: number;
  readonly maxExclusive?: boolean;
  /** Values a hyperparameter sweep tries (chosen on validation splits only). */
  readonly sweep: readonly number[];
}

export interface ChoiceParameterSpec {
  readonly kind: 'choice';
  readonly description: string;
  readonly choices: readonly string[];
  readonly default: string;
  readonly sweep: readonly string[];
}

export type ParameterSpec = NumberParameterSpec | ChoiceParameterSpec;
export type ParameterSchema = Readonly<Record<string, ParameterSpec>>;
export type ParameterValue = number | string;
export type ParameterOverrides = Readonly<Record<string, ParameterValue | undefined>>;

/** The accepted range of a number parameter in interval notation, e.g. "(0, 1]". */
export function describeRange(spec: NumberParameterSpec): string {
  const lo = spec.min === undefined ? '(-∞' : `${spec.minExclusive === true ? '(' : '['}${spec.min}`;
  const hi = spec.max === undefined ? '∞)' : `${spec.max}${spec.maxExclusive === true ? ')' : ']'}`;
  return `${spec.integer === true ? 'an integer in ' : ''}${lo}, ${hi}`;
}

/**
 * Applies overrides over the schema defaults and validates every value. Unknown names, wrong types
 * and out-of-range values are `INVALID_PARAMETER` errors naming the parameter and what is accepted.
 */
export function resolveParameters(
  methodId: string,
  schema: ParameterSchema,
  overrides: ParameterOverrides = {},
): Record<string, ParameterValue> {
  for (const name of Object.keys(overrides)) {
    if (!(name in schema) && overrides[name] !== undefined) {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `${methodId} has no parameter '${name}'; accepted: ${Object.keys(schema).join(', ')}`,
        { method: methodId, parameter: name },
      );
    }
  }
  const resolved: Record<string, ParameterValue> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const value = overrides[name] ?? spec.default;
    resolved[name] =
      spec.kind === 'number' ? checkNumber(methodId, name, spec, value) : checkChoice(methodId, name, spec, value);
  }
  return resolved;
}

function checkNumber(methodId: string, name: string, spec: NumberParameterSpec, value: ParameterValue): number {
  const fail = (): never => {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `${methodId}: ${name} must be ${describeRange(spec)}; got ${JSON.stringify(value)}`,
      { method: methodId, parameter: name, value, accepted: describeRange(spec) },
    );
  };
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail();
  if (spec.integer === true && !Number.isInteger(value)) return fail();
  if (spec.min !== undefined && (spec.minExclusive === true ? value <= spec.min : value < spec.min)) return fail();
  if (spec.max !== undefined && (spec.maxExclusive === true ? value >= spec.max : value > spec.max)) return fail();
  return value;
}

function checkChoice(methodId: string, name: string, spec: ChoiceParameterSpec, value: ParameterValue): string {
  if (typeof value !== 'string' || !spec.choices.includes(value)) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `${methodId}: ${name} must be one of ${spec.choices.join(', ')}; got ${JSON.stringify(value)}`,
      { method: methodId, parameter: name, value, accepted: spec.choices },
    );
  }
  return value;
}
