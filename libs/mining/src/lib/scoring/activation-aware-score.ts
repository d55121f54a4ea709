// TANL's activation-aware ID score of one image from its logits against [ID labels; selected
// negatives in selection order] (official `activation_aware_score`, unweighted). Internal.
//
// step 0: Σ_c e^{l_c} / (Σ_c e^{l_c} + Σ_{all selected} e^{l_n}), the plain softmax ID share.
// step s ≥ 1: the mean over prefixes ending at e = s, 2s, … (the last clipped at N) of
//   Σ_c e^{l_c} / (Σ_c e^{l_c} + Σ_{n < e} e^{l_n}), so the highest-ranked negatives weigh most.
// Shifted by the row maximum (the ratio is unchanged), so nothing overflows.

// Module bindings, not a global lookup per logit (slow inside jest's vm context; see grouped-softmax.ts).
const { exp, max: larger, min: smaller } = Math;

export function activationAwareScore(
  logits: ArrayLike<number>,
  offset: number,
  idCount: number,
  negCount: number,
  step: number,
): number {
  const end = offset + idCount + negCount;
  let max = -Infinity;
  for (let i = offset; i < end; i++) max = larger(max, logits[i]!);
  let idSum = 0;
  for (let c = 0; c < idCount; c++) idSum += exp(logits[offset + c]! - max);
  if (step === 0) {
    let negSum = 0;
    for (let n = 0; n < negCount; n++) negSum += exp(logits[offset + idCount + n]! - max);
    return idSum / (idSum + negSum);
  }
  let negSum = 0;
  let total = 0;
  let prefixes = 0;
  let n = 0;
  for (let start = 0; start < negCount; start += step) {
    const stop = smaller(start + step, negCount);
    for (; n < stop; n++) negSum += exp(logits[offset + idCount + n]! - max);
    total += idSum / (idSum + negSum);
    prefixes += 1;
  }
  return total / prefixes;
}
