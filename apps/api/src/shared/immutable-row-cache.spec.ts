// ImmutableRowCache: least-recently-used eviction by summed weight, oversized entries never kept.
import { ImmutableRowCache } from './immutable-row-cache';

describe('ImmutableRowCache', () => {
  it('evicts the least recently used entries beyond the weight bound', () => {
    const cache = new ImmutableRowCache<number[]>(5, (rows) => rows.length);
    cache.set('a', [1, 2]);
    cache.set('b', [1, 2]);
    expect(cache.get('a')).toEqual([1, 2]);
    cache.set('c', [1, 2]);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual([1, 2]);
    expect(cache.get('c')).toEqual([1, 2]);
    cache.set('big', [1, 2, 3, 4, 5, 6]);
    expect(cache.get('big')).toBeUndefined();
    expect(cache.get('a')).toEqual([1, 2]);
  });

  it('loads once and then serves the cached value; delete forgets it', async () => {
    const cache = new ImmutableRowCache<string>(10, () => 1);
    const load = jest.fn(async () => 'rows');
    expect(await cache.getOrLoad('r', load)).toBe('rows');
    expect(await cache.getOrLoad('r', load)).toBe('rows');
    expect(load).toHaveBeenCalledTimes(1);
    cache.delete('r');
    await cache.getOrLoad('r', load);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
