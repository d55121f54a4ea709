// Shard planning (only ranges containing work become shards) and the stored reason of a failed file.
import { boundedFailureMessage, MAX_FAILURE_MESSAGE_LENGTH, shardRanges } from './encoding.service';

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

describe('boundedFailureMessage', () => {
  it('names the file by its path in the set, drops control characters and bounds the length', () => {
    expect(
      boundedFailureMessage(
        'cannot decode image /srv/images/pets/a/b.png: Input buffer contains\nunsupported image format',
        '/srv/images/pets/a/b.png',
        'a/b.png',
      ),
    ).toBe('cannot decode image a/b.png: Input buffer contains unsupported image format');
    const long = boundedFailureMessage(`x${'y'.repeat(2000)}`, '/f', 'f');
    expect(long).toHaveLength(MAX_FAILURE_MESSAGE_LENGTH);
    expect(long.endsWith('…')).toBe(true);
  });
});
