// The .npy codec: round trips, numpy's header layout, and a typed error for each malformed input.
import { FormatsErrorCode } from './errors';
import { asFloat32Matrix, asIndexVector, parseNpy, serializeNpy } from './npy';

describe('npy codec', () => {
  it('reads a Node Buffer that is a view into a larger pool (as readFileSync returns for small files)', () => {
    const bytes = serializeNpy(new BigInt64Array([3n, 1n, 0n, 2n]), [4]);
    const pooled = Buffer.concat([Buffer.from('junk-before'), Buffer.from(bytes)]).subarray('junk-before'.length);
    expect(pooled.byteOffset).toBeGreaterThan(0);
    expect(Array.from(parseNpy(pooled).data as BigInt64Array)).toEqual([3n, 1n, 0n, 2n]);
  });

  it('round-trips float32 matrices, float64 vectors and int64 indices', () => {
    const m = Float32Array.from([1, 2.5, -3, 4, 5, 6]);
    const back = parseNpy(serializeNpy(m, [2, 3]));
    expect(back.dtype).toBe('float32');
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.data as Float32Array)).toEqual([1, 2.5, -3, 4, 5, 6]);

    const v = Float64Array.from([Math.PI, -1e-300]);
    expect(Array.from(parseNpy(serializeNpy(v, [2])).data as Float64Array)).toEqual([Math.PI, -1e-300]);

    const idx = BigInt64Array.from([3n, 0n, 7n]);
    expect(Array.from(asIndexVector(parseNpy(serializeNpy(idx, [3])), 'idx'))).toEqual([3, 0, 7]);
  });

  it('refuses int64 indices that do not fit in int32 instead of wrapping them', () => {
    const idx = BigInt64Array.from([1n, 2n ** 31n]);
    expect(() => asIndexVector(parseNpy(serializeNpy(idx, [2])), 'idx')).toThrow(
      expect.objectContaining({
        code: FormatsErrorCode.NpyIndexOutOfRange,
        details: { position: 1, value: '2147483648' },
      }),
    );
  });

  it('aligns the header to 64 bytes and ends it with a newline, as numpy does', () => {
    const bytes = serializeNpy(new Float32Array(4), [4]);
    const headerLength = bytes[8]! | (bytes[9]! << 8);
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes[10 + headerLength - 1]).toBe(0x0a);
  });

  it('rejects wrong magic, unsupported dtypes, Fortran order and truncated data with codes', () => {
    expect(() => parseNpy(new TextEncoder().encode('hello world, not npy'))).toThrow(
      expect.objectContaining({ code: FormatsErrorCode.NpyBadMagic }),
    );
    const good = serializeNpy(new Float32Array(6), [2, 3]);
    const asText = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
    const withHeader = (from: string, to: string): Uint8Array => Buffer.from(asText(good).replace(from, to), 'latin1');
    expect(() => parseNpy(withHeader('<f4', '>f4'))).toThrow(
      expect.objectContaining({ code: FormatsErrorCode.NpyUnsupportedDtype }),
    );
    expect(() => parseNpy(withHeader("'fortran_order': False", "'fortran_order': True "))).toThrow(
      expect.objectContaining({ code: FormatsErrorCode.NpyFortranOrder }),
    );
    expect(() => parseNpy(good.subarray(0, good.length - 3))).toThrow(
      expect.objectContaining({ code: FormatsErrorCode.NpyTruncated }),
    );
  });

  it('converts to a float32 matrix and refuses other ranks', () => {
    const arr = parseNpy(serializeNpy(Float64Array.from([1, 2, 3, 4]), [2, 2]));
    expect(asFloat32Matrix(arr, 'emb')).toMatchObject({ rows: 2, cols: 2 });
    expect(() => asFloat32Matrix(parseNpy(serializeNpy(new Float32Array(3), [3])), 'emb')).toThrow(/2-D/);
  });
});
