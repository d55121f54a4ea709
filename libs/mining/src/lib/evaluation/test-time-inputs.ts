// The extra inputs of methods that need more than label embeddings (TANL: the whole corpus, the
// noise-image embeddings and two queue-initialisation orders): checks that the required ones are
// there, draws the orders that were not given from the run's seed, and records what was used.
// Internal to evaluation/.
import { MiningError, MiningErrorCode } from '../errors';
import type { EmbeddingMatrix, MethodInputName, MethodInputs, OodScoreMethod } from '../scoring/ood-score-method';
import { checkPermutation, seededPermutation, streamOrderSha256 } from './stream-order';

/** Seeds of drawn queue-initialisation orders: seed + offset (stream orders use seed + set index). */
export const POSITIVE_INIT_SEED_OFFSET = 1_000_000;
export const NOISE_INIT_SEED_OFFSET = 2_000_000;

export interface InitOrderRecord {
  readonly given: boolean;
  /** The seed it was drawn from, or null when given. */
  readonly seed: number | null;
  readonly length: number;
  readonly sha256: string;
}

export interface TestTimeInputRecord {
  readonly corpusRows?: number;
  readonly noiseImages?: number;
  readonly positiveInitOrder?: InitOrderRecord;
  readonly noiseInitOrder?: InitOrderRecord;
}

const DESCRIPTIONS: Readonly<Record<MethodInputName, string>> = {
  corpusText: "the whole candidate corpus embeddings (a mining run's corpus, N_corpus × d)",
  noiseImages:
    'the noise-image embeddings (15 images: 3 each of Gaussian, uniform, Poisson, gamma, salt-and-pepper noise)',
  positiveInitOrder: 'the positive-queue initialisation order',
  noiseInitOrder: 'the noise-queue initialisation order',
};

function requireMatrix(
  method: OodScoreMethod,
  name: 'corpusText' | 'noiseImages',
  value: EmbeddingMatrix | undefined,
): void {
  if (method.extraInputs.includes(name) && value === undefined) {
    throw new MiningError(MiningErrorCode.MissingInput, `${method.id} needs ${DESCRIPTIONS[name]}; none were given`, {
      method: method.id,
      input: name,
    });
  }
}

function initOrder(
  given: MethodInputs['positiveInitOrder'],
  length: number,
  seed: number,
  what: string,
): { order: Int32Array; record: InitOrderRecord } {
  const order = given === undefined ? seededPermutation(length, seed) : checkPermutation(given, length, what);
  return {
    order,
    record: {
      given: given !== undefined,
      seed: given === undefined ? seed : null,
      length,
      sha256: streamOrderSha256(order),
    },
  };
}

/** Inputs to pass to `method.score` and their record; both undefined for methods that need none. */
export function resolveTestTimeInputs(
  method: OodScoreMethod,
  idText: EmbeddingMatrix,
  inputs: MethodInputs | undefined,
  seed: number,
): { inputs: MethodInputs | undefined; record: TestTimeInputRecord | undefined } {
  if (method.extraInputs.length === 0) return { inputs: undefined, record: undefined };
  requireMatrix(method, 'corpusText', inputs?.corpusText);
  requireMatrix(method, 'noiseImages', inputs?.noiseImages);
  const resolved: { -readonly [K in keyof MethodInputs]: MethodInputs[K] } = {
    corpusText: inputs?.corpusText,
    noiseImages: inputs?.noiseImages,
  };
  const record: { -readonly [K in keyof TestTimeInputRecord]: TestTimeInputRecord[K] } = {
    corpusRows: inputs?.corpusText?.rows,
    noiseImages: inputs?.noiseImages?.rows,
  };
  if (method.extraInputs.includes('positiveInitOrder')) {
    const positive = initOrder(
      inputs?.positiveInitOrder,
      idText.rows,
      seed + POSITIVE_INIT_SEED_OFFSET,
      'the positive-queue initialisation order',
    );
    resolved.positiveInitOrder = positive.order;
    record.positiveInitOrder = positive.record;
  }
  if (method.extraInputs.includes('noiseInitOrder') && inputs?.noiseImages !== undefined) {
    const noise = initOrder(
      inputs.noiseInitOrder,
      inputs.noiseImages.rows,
      seed + NOISE_INIT_SEED_OFFSET,
      'the noise-queue initialisation order',
    );
    resolved.noiseInitOrder = noise.order;
    record.noiseInitOrder = noise.record;
  }
  return { inputs: resolved, record };
}
