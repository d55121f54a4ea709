// AdaNeg's per-label test-time memory (Zhang et al., NeurIPS 2024; OpenOOD-VLM
// ttaprompt_postprocessor.py, TTAPromptPostprocessor_noadagap): slot 0 holds the label's text
// embedding, later slots hold admitted test images; the label's adaptive proxy is the normalised
// mean of its slots. Public (exported for its rule tests and for diagnostics).

export interface MemoryWriteOutcome {
  readonly kind: 'stored' | 'replaced' | 'rejected';
  /** The slot written (1-based slots hold images; 0 is the text slot). */
  readonly slot?: number;
}

/**
 * One label's memory, following the official rules exactly:
 * - `1 + memoryLength` slots; slot 0 = text embedding with entropy 0; empty slots are zero vectors
 *   with entropy 0. A write index starts at 1.
 * - While the write index is below `memoryLength`, an admitted image is stored at the write index.
 *   The memory is full once the index reaches `memoryLength`, i.e. after memoryLength − 1 images
 *   (the official off-by-one, kept for parity; the last slot stays empty).
 * - When full, the image replaces the entry with the highest entropy if its own entropy is lower
 *   than some stored entropy; otherwise it is rejected. Ties pick the highest slot index.
 */
export class LabelMemory {
  private readonly slots: Float64Array;
  private readonly entropies: Float64Array;
  private writeIndex = 1;

  constructor(
    text: Float64Array,
    readonly memoryLength: number,
  ) {
    this.slots = new Float64Array((memoryLength + 1) * text.length);
    this.slots.set(text, 0);
    this.entropies = new Float64Array(memoryLength + 1);
  }

  get dim(): number {
    return this.slots.length / (this.memoryLength + 1);
  }

  /** Images currently stored (excluding the text slot). */
  get storedImages(): number {
    return this.writeIndex - 1;
  }

  entropyAt(slot: number): number {
    return this.entropies[slot]!;
  }

  write(image: Float64Array, entropy: number): MemoryWriteOutcome {
    const dim = this.dim;
    if (this.writeIndex < this.memoryLength) {
      const slot = this.writeIndex;
      this.slots.set(image, slot * dim);
      this.entropies[slot] = entropy;
      this.writeIndex += 1;
      return { kind: 'stored', slot };
    }
    let worst = 0;
    for (let s = 1; s < this.entropies.length; s++) if (this.entropies[s]! >= this.entropies[worst]!) worst = s;
    if (!(entropy < this.entropies[worst]!)) return { kind: 'rejected' };
    this.slots.set(image, worst * dim);
    this.entropies[worst] = entropy;
    return { kind: 'replaced', slot: worst };
  }

  /** The adaptive proxy: mean of all slots (empty ones are zeros), L2-normalised. */
  proxy(): Float64Array {
    const dim = this.dim;
    const sum = new Float64Array(dim);
    for (let s = 0; s <= this.memoryLength; s++)
      for (let c = 0; c < dim; c++) sum[c] = sum[c]! + this.slots[s * dim + c]!;
    let norm = 0;
    for (let c = 0; c < dim; c++) norm += sum[c]! * sum[c]!;
    const inverse = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < dim; c++) sum[c] = sum[c]! * inverse;
    return sum;
  }
}
