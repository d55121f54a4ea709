// The only list of scoring methods. A spec asserts every *.score.ts file is registered here and the
// ids are unique; nothing else branches on a method id. Public.
import { MiningError, MiningErrorCode } from '../errors';
import { adanegScore } from './adaneg.score';
import { debiasedScore } from './debiased.score';
import { mcmScore } from './mcm.score';
import { neglabelScore } from './neglabel.score';
import { tanlScore } from './tanl.score';
import { isScoringMethodId, SCORING_METHOD_IDS, type OodScoreMethod, type ScoringMethodId } from './ood-score-method';

export const SCORING_METHODS: Readonly<Record<ScoringMethodId, OodScoreMethod>> = {
  mcm: mcmScore,
  neglabel: neglabelScore,
  debiased: debiasedScore,
  adaneg: adanegScore,
  tanl: tanlScore,
};

/** The method registered under `id`; an UNKNOWN_METHOD error lists the accepted ids. */
export function scoringMethod(id: string): OodScoreMethod {
  if (!isScoringMethodId(id)) {
    throw new MiningError(
      MiningErrorCode.UnknownMethod,
      `unknown scoring method '${id}'; accepted: ${SCORING_METHOD_IDS.join(', ')}`,
      {
        method: id,
        accepted: SCORING_METHOD_IDS,
      },
    );
  }
  return SCORING_METHODS[id];
}
