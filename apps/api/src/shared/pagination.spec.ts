// Cursor encoding and page assembly.
import { MAX_CURSOR_LENGTH, checkPageSize, decodeCursor, encodeCursor, toPage } from './pagination';

describe('pagination', () => {
  it('round-trips cursors and rejects foreign ones', () => {
    expect(decodeCursor(encodeCursor([0.25, 7]), 2)).toEqual([0.25, 7]);
    expect(() => decodeCursor('garbage', 2)).toThrow(/not a valid cursor/);
    expect(() => decodeCursor(encodeCursor([1]), 2)).toThrow(/not a valid cursor/);
  });

  it('never echoes a bad cursor and does not parse an over-long one', () => {
    const secret = '<script>alert(1)</script>'.repeat(10);
    let message = '';
    try {
      decodeCursor(secret, 2);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/after is not a valid cursor/);
    expect(message).not.toContain('script');
    // A well-formed key padded past the bound is refused without JSON.parse seeing it.
    const long = encodeCursor(['x'.repeat(MAX_CURSOR_LENGTH), 1]);
    expect(() => decodeCursor(long, 2)).toThrow(/after is not a valid cursor/);
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
