// Launch-time validation of an evaluation's resolved scoring parameters against the data the job
// will meet, so a bad launch stores nothing. Ranges and unknown names were already checked by the
// method's parameter schema (resolveParams of @negmine/mining); here come the rules that need the
// data: `groups` ≤ the mining run's negatives, TANL's `negatives` ≤ its corpus, seed + permutations
// within the seed range. The scoring job checks the same again (the last guard).
import type { OodScoreMethod } from '@negmine/mining';
import { badInput } from '../../errors';
import type { MiningRepository } from '../mining/mining.repository';

/** The most a seed may reach: permutation p of a run draws from seed + p (a 32-bit seed). */
const MAX_SEED = 0xffffffff;

function invalid(method: string, parameter: string, value: unknown, accepted: string, why: string): never {
  throw badInput(`${method}: ${parameter} ${why}; accepted: ${accepted}`, {
    reason: 'INVALID_PARAMETER',
    method,
    parameter,
    value,
    accepted,
  });
}

/** Checks resolved parameters against the mining run's negatives and corpus; throws BAD_USER_INPUT naming the parameter. */
export async function validateEvaluationLaunch(
  miningRuns: Pick<MiningRepository, 'negativeCount' | 'corpus'>,
  method: OodScoreMethod,
  params: Readonly<Record<string, number | string>>,
  miningRun: { readonly id: string; readonly corpusId: string } | null,
): Promise<void> {
  const seed = params['seed'];
  const permutations = params['permutations'];
  if (typeof seed === 'number' && typeof permutations === 'number' && seed + permutations - 1 > MAX_SEED) {
    invalid(
      method.id,
      'seed',
      seed,
      `an integer in [0, ${MAX_SEED - permutations + 1}] with permutations = ${permutations}`,
      'plus permutations − 1 passes 2^32 − 1',
    );
  }
  if (miningRun === null) return;
  if (method.negatives === 'required') {
    const negatives = await miningRuns.negativeCount(miningRun.id);
    if (negatives === 0) {
      throw badInput(
        `mining run ${miningRun.id} selected no negatives; ${method.id} needs at least one (mine again with larger keep fractions)`,
        {
          reason: 'NO_NEGATIVES',
          miningRunId: miningRun.id,
        },
      );
    }
    const groups = params['groups'];
    if (typeof groups === 'number' && groups > negatives) {
      invalid(
        method.id,
        'groups',
        groups,
        `an integer in [1, ${negatives}] (N = ${negatives} negatives of mining run ${miningRun.id})`,
        'exceeds the number of negatives',
      );
    }
  }
  const corpusNegatives = params['negatives'];
  if (method.extraInputs.includes('corpusText') && typeof corpusNegatives === 'number') {
    const corpus = await miningRuns.corpus(miningRun.corpusId);
    const size = corpus?.entryCount ?? 0;
    if (corpusNegatives > size) {
      invalid(
        method.id,
        'negatives',
        corpusNegatives,
        `an integer in [1, ${size}] (the ${size} entries of the mining run's corpus)`,
        'exceeds the corpus size',
      );
    }
  }
}
