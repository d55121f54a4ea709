// Cursor encoding and page assembly.
import { checkPageSize, decodeCursor, encodeCursor, toPage } from './pagination';

describe('pagination', () => {
  it('round-trips cursors and rejects foreign ones', () => {
    expect(decodeCursor(encodeCursor([0.25, 7]), 2)).toEqual([0.25, 7]);
    expect(() => decodeCursor('garbage', 2)).toThrow(/not valid/);
    expect(() => decodeCursor(encodeCursor([1]), 2)).toThrow(/not valid/);
  });

  it('uses the extra fetched row only to report hasNextPage', () => {
    const page = toPage([1, 2, 3], 2, (n) => String(n), 10);
    expect(page.edges.map((e) => e.node)).toEqual([1, 2]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: '2' });
    expect(toPage([1], 2, String, 1).pageInfo).toEqual({ hasNextPage: false, endCursor: '1' });
  });

  it('enforces the maximum page size', () => {
    expect(() => checkPageSize(501, 500)).toThrow(/at most 500/);
    expect(() => checkPageSize(500, 500)).not.toThrow();
  });
});
