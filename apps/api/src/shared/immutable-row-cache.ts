// An in-process LRU cache for rows that never change once written, so an entry needs no
// invalidation: a succeeded mining run's negatives and a succeeded evaluation's results (written
// in the transaction that marks the run succeeded; callers confirm the run still exists, since it
// can be deleted with its label set) and encoder model rows (registered once, never updated or
// deleted), and whole answers of queries over such rows (plugins/immutable-response-cache.ts,
// which re-checks existence on every hit). Internal to apps/api.

export class ImmutableRowCache<T> {
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

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: T): void {
    this.delete(key);
    const weight = this.weigh(value);
    if (weight > this.maxWeight) return;
    this.entries.set(key, { value, weight });
    this.weight += weight;
    for (const [key, entry] of this.entries) {
      if (this.weight <= this.maxWeight) break;
      this.entries.delete(key);
      this.weight -= entry.weight;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.weight -= entry.weight;
  }

  /** The cached value, or the loaded one (then cached). */
  async getOrLoad(key: string, load: () => Promise<T>): Promise<T> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = await load();
    this.set(key, value);
    return value;
  }
}
