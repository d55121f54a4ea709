// Launch-time validation of a mining run's selection parameters against the corpus it will meet,
// so a bad launch stores nothing. The selection strategies of @negmine/mining check the same rules
// again when the job runs (the last guard); here they are declared as a parameter schema (the lib's
// ParameterSchema, validated by its resolveParameters) plus the data-dependent rules: k < N, and
// each keep fraction keeping at least one candidate of every part of speech the corpus has.
import {
  describeRange,
  resolveParameters,
  type NumberParameterSpec,
  type ParameterSchema,
  type ParameterValue,
} from '@negmine/mining';
import { badInput } from '../../errors';
import { libraryId, SelectionMethod } from '../../shared/enums';

/** What the launch will meet: the corpus size and its parts of speech. */
export interface MiningLaunchData {
  readonly corpusSize: number;
  readonly partsOfSpeech: Readonly<Record<'noun' | 'adj', number>>;
}

const fraction = (description: string, defaultValue: number): NumberParameterSpec => ({
  kind: 'number',
  description,
  default: defaultValue,
  min: 0,
  minExclusive: true,
  max: 1,
  sweep: [],
});

const PRECISION = {
  kind: 'choice',
  description: 'arithmetic of the statistic',
  choices: ['float32', 'float64'],
  default: 'float32',
  sweep: [],
} as const;
const BLOCK_ROWS: NumberParameterSpec = {
  kind: 'number',
  description: 'query rows per kernel call',
  default: 1,
  integer: true,
  min: 1,
  sweep: [],
};

/** The accepted values of each selection parameter (the ranges the strategies enforce in the job). */
export const SELECTION_PARAMETER_SCHEMAS: Readonly<
  Record<SelectionMethod, { required: ParameterSchema; optional: ParameterSchema }>
> = {
  [SelectionMethod.knn_density]: {
    required: {
      k: {
        kind: 'number',
        description: 'neighbours per candidate; 1 ≤ k < corpus size',
        default: 1,
        integer: true,
        min: 1,
        sweep: [],
      },
      keepNoun: fraction('fraction of nouns kept', 1),
      keepAdj: fraction('fraction of adjectives kept', 1),
      distance: {
        kind: 'choice',
        description: 'kNN distance',
        choices: ['official', 'cosine'],
        default: 'official',
        sweep: [],
      },
      precision: PRECISION,
    },
    optional: { blockRows: BLOCK_ROWS },
  },
  [SelectionMethod.neglabel]: {
    required: {
      quantile: { kind: 'number', description: 'quantile of the ID cosines', default: 0.95, min: 0, max: 1, sweep: [] },
      keepNoun: fraction('fraction of nouns kept', 1),
      keepAdj: fraction('fraction of adjectives kept', 1),
      precision: PRECISION,
    },
    optional: {
      blockRows: BLOCK_ROWS,
      nearDuplicateCosine: {
        kind: 'number',
        description: 'CSP near-duplicate cosine',
        default: 0.95,
        min: -1,
        max: 1,
        sweep: [],
      },
    },
  },
};

const MAX_ECHOED_STRING = 100;

function invalid(method: string, parameter: string, value: unknown, accepted: string, why: string): never {
  throw badInput(`${method}: ${parameter} ${why}; accepted: ${accepted}`, {
    reason: 'INVALID_PARAMETER',
    method,
    parameter,
    value,
    accepted,
  });
}

/**
 * Validates resolved selection parameters (defaults, preset and overrides; unknown names were
 * refused by resolveSelectionParams) against the corpus; throws BAD_USER_INPUT naming the
 * parameter, its value and what is accepted.
 */
export function validateMiningLaunch(
  method: SelectionMethod,
  params: Readonly<Record<string, unknown>>,
  data: MiningLaunchData,
): void {
  const id = libraryId(method);
  const { required, optional } = SELECTION_PARAMETER_SCHEMAS[method];
  const given: Record<string, ParameterValue | undefined> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) {
      if (name in optional) continue;
      invalid(id, name, null, describe(required[name]), 'is null');
    }
    if (typeof value === 'string' && value.length > MAX_ECHOED_STRING)
      invalid(
        id,
        name,
        `${value.slice(0, 20)}…`,
        describe(required[name] ?? optional[name]),
        `is a ${value.length}-character string`,
      );
    if (typeof value !== 'number' && typeof value !== 'string')
      invalid(
        id,
        name,
        typeof value,
        describe(required[name] ?? optional[name]),
        `must be a number or a string, not ${Array.isArray(value) ? 'an array' : typeof value}`,
      );
    given[name] = value;
  }
  const schema: ParameterSchema = {
    ...required,
    ...Object.fromEntries(Object.entries(optional).filter(([name]) => given[name] !== undefined)),
  };
  const resolved = resolveParameters(id, schema, given);
  const k = resolved['k'];
  if (typeof k === 'number' && k >= data.corpusSize) {
    invalid(
      id,
      'k',
      k,
      `an integer in [1, ${data.corpusSize - 1}] (1 ≤ k < N = ${data.corpusSize} corpus entries)`,
      `must be smaller than the corpus size`,
    );
  }
  for (const [name, pos, plural] of [
    ['keepNoun', 'noun', 'nouns'],
    ['keepAdj', 'adj', 'adjectives'],
  ] as const) {
    const value = resolved[name] as number;
    const count = data.partsOfSpeech[pos];
    if (count > 0 && Math.floor(count * value) === 0) {
      invalid(
        id,
        name,
        value,
        `a fraction in [${1 / count}, 1] for this corpus`,
        `keeps none of its ${count} ${plural} (floor(${count} × ${value}) = 0)`,
      );
    }
  }
}

function describe(spec: ParameterSchema[string] | undefined): string {
  if (spec === undefined) return 'a known parameter';
  return spec.kind === 'number' ? describeRange(spec) : `one of ${spec.choices.join(', ')}`;
}
