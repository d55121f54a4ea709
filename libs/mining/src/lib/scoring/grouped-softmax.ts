// NegLabel's grouped ID share computed from one image's logits already in memory (float64), for
// methods that hold a batch's full logits anyway (AdaNeg). Internal.
import type { NegativeGrouping } from './grouping';

// Module bindings, not a global lookup per element: inside a vm context (jest) every `Math.*` in
// these per-logit loops is a slow global property read (AdaNeg's parity spec spent 29 s here).
const { exp, log, max: larger } = Math;

/**
 * mean_j Σ_c e^{l_c} / (Σ_c e^{l_c} + Σ_{n∈g_j} e^{l_n}) for logits l (= cosine / T) of one image:
 * `logits[offset + c]` for the K ID labels, then `logits[offset + K + n]` for negative n.
 * Shifted by the row maximum over the labels involved, so nothing overflows.
 */
export function groupedIdShare(
  logits: ArrayLike<number>,
  offset: number,
  idCount: number,
  grouping: NegativeGrouping,
): number {
  const { order, groups, groupSize } = grouping;
  let max = -Infinity;
  for (let c = 0; c < idCount; c++) max = larger(max, logits[offset + c]!);
  for (let i = 0; i < order.length; i++) max = larger(max, logits[offset + idCount + order[i]!]!);
  let a = 0;
  for (let c = 0; c < idCount; c++) a += exp(logits[offset + c]! - max);
  let total = 0;
  for (let j = 0; j < groups; j++) {
    let g = 0;
    for (let t = j * groupSize; t < (j + 1) * groupSize; t++) g += exp(logits[offset + idCount + order[t]!]! - max);
    total += a / (a + g);
  }
  return total / groups;
}

/** Index of the largest of `count` logits from `offset` (first on ties) and the entropy of their softmax. */
export function argmaxAndEntropy(
  logits: ArrayLike<number>,
  offset: number,
  count: number,
): { index: number; entropy: number } {
  let index = 0;
  let max = -Infinity;
  for (let t = 0; t < count; t++) {
    const v = logits[offset + t]!;
    if (v > max) {
      max = v;
      index = t;
    }
  }
  let sum = 0;
  for (let t = 0; t < count; t++) sum += exp(logits[offset + t]! - max);
  // The official code's entropy is −Σ p·log(p + 1e-8); the 1e-8 is kept so rankings of entries match.
  let entropy = 0;
  for (let t = 0; t < count; t++) {
    const p = exp(logits[offset + t]! - max) / sum;
    entropy -= p * log(p + 1e-8);
  }
  return { index, entropy };
}
