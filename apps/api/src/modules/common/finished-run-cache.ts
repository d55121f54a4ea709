// An in-process LRU cache for rows of finished runs (a succeeded mining run's negatives, a
// succeeded evaluation's results). Those rows are written in the same transaction that marks the
// run succeeded and never change afterwards, so an entry is exact for as long as the run exists;
// callers confirm the run still exists (it can be deleted with its label set) before using one.
// Internal to apps/api.

export class FinishedRunCache<T> {
  private readonly entries = new Map<string, { readonly value: T; readonly weight: number }>();
  private weight = 0;

  /**
   * @param maxWeight  upper bound on the summed weights of the entries (e.g. rows held)
   * @param weigh      weight of one entry; an entry heavier than maxWeight is never kept
   */
  constructor(
    private readonly maxWeight: number,
    private readonly weigh: (value: T) => number,
  ) {}

  get(runId: string): T | undefined {
    const entry = this.entries.get(runId);
    if (entry === undefined) return undefined;
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.delete(runId);
    this.entries.set(runId, entry);
    return entry.value;
  }

  set(runId: string, value: T): void {
    this.delete(runId);
    const weight = this.weigh(value);
    if (weight > this.maxWeight) return;
    this.entries.set(runId, { value, weight });
    this.weight += weight;
    for (const [key, entry] of this.entries) {
      if (this.weight <= this.maxWeight) break;
      this.entries.delete(key);
      this.weight -= entry.weight;
    }
  }

  delete(runId: string): void {
    const entry = this.entries.get(runId);
    if (entry === undefined) return;
    this.entries.delete(runId);
    this.weight -= entry.weight;
  }

  /** The cached value, or the loaded one (then cached). */
  async getOrLoad(runId: string, load: () => Promise<T>): Promise<T> {
    const cached = this.get(runId);
    if (cached !== undefined) return cached;
    const value = await load();
    this.set(runId, value);
    return value;
  }
}
