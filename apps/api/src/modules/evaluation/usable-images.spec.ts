// The gather-time checks on an evaluation's image sets: a set without usable images, and a given
// stream order that files which failed to decode made too long.
import { assertStreamOrderLengths, assertUsableImages, type GatheredSet } from './usable-images';

const id: GatheredSet = { role: 'ID', id: 'id-1', name: 'pets', total: 10, usable: 8 };
const ood: GatheredSet = { role: 'OOD', id: 'ood-1', name: 'wild', total: 5, usable: 5 };

describe('assertUsableImages', () => {
  it('passes sets with at least one usable image', () => {
    expect(() => assertUsableImages([id, ood])).not.toThrow();
  });

  it('names the set, its role and how many files failed', () => {
    expect(() => assertUsableImages([id, { ...ood, usable: 0 }])).toThrow(
      expect.objectContaining({
        code: 'BAD_USER_INPUT',
        message: expect.stringContaining("OOD image set 'wild' (ood-1) has no usable image: all 5 of its files failed"),
        details: { reason: 'NO_USABLE_IMAGES', imageSetId: 'ood-1', role: 'OOD', imageCount: 5, failed: 5 },
      }),
    );
    expect(() => assertUsableImages([{ ...id, usable: 0 }, ood])).toThrow(/^ID image set 'pets'/);
  });
});

describe('assertStreamOrderLengths', () => {
  const order = (length: number) => Int32Array.from({ length }, (_, i) => i);

  it('passes sets without a given order and orders that cover the usable images', () => {
    expect(() => assertStreamOrderLengths(id, [ood], {})).not.toThrow();
    expect(() => assertStreamOrderLengths(id, [ood], { 'ood-1': order(13) })).not.toThrow();
  });

  it('fails early when files that failed to decode shortened the stream', () => {
    expect(() => assertStreamOrderLengths(id, [ood], { 'ood-1': order(15) })).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(
          /the stream order given for OOD image set 'wild' \(ood-1\) has 15 entries .* but 2 of those 15 files failed to decode .*\(0 of the OOD set, 2 of ID image set 'pets' \(id-1\).* so the stream has 13 images; launch again with an order of 13 entries/,
        ),
        details: { reason: 'STREAM_ORDER_LENGTH', imageSetId: 'ood-1', orderLength: 15, usableImages: 13, failed: 2 },
      }),
    );
  });

  it("leaves other length mismatches to the library's permutation check", () => {
    expect(() => assertStreamOrderLengths(id, [ood], { 'ood-1': order(4) })).not.toThrow();
  });
});
