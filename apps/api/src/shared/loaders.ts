// DataLoader builders shared by the features' per-request loaders: rows by id, and rows grouped
// by a key (a field over a list then costs one query, not N).
import DataLoader from 'dataloader';

export function byId<T extends { id: string }>(load: (ids: string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await load([...ids]);
    const map = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

export function groupedBy<T>(
  load: (keys: string[]) => Promise<T[]>,
  keyOf: (row: T) => string,
): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (keys) => {
    const rows = await load([...keys]);
    const groups = new Map<string, T[]>();
    for (const row of rows) {
      const key = keyOf(row);
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    return keys.map((key) => groups.get(key) ?? []);
  });
}

/** Values keyed by id from a map-returning batch load (missing ids get `fallback`). */
export function keyed<T>(load: (ids: string[]) => Promise<ReadonlyMap<string, T>>, fallback: T): DataLoader<string, T> {
  return new DataLoader<string, T>(async (ids) => {
    const map = await load([...ids]);
    return ids.map((id) => map.get(id) ?? fallback);
  });
}
