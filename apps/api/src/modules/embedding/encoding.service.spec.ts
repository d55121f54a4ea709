// Shard planning: only ranges containing work become shards.
import { shardRanges } from './encoding.service';

describe('shardRanges', () => {
  it('cuts [0, count) into ranges of the shard size and keeps those with missing rows', () => {
    expect(shardRanges(10, 4, new Set([0, 9]))).toEqual([
      [0, 4],
      [8, 10],
    ]);
    expect(shardRanges(10, 4, new Set())).toEqual([]);
    expect(shardRanges(3, 512, new Set([1]))).toEqual([[0, 3]]);
  });
});
