// The wasm HWC -> CHW table lookup against the plain JS loop of the same table: identical floats
// (bit for bit, NaN payloads aside, which the table never holds) for random tables and images.
import { seededRandom } from '../testing';
import { pixelValuesWasm } from './pixel-values-wasm';

describe('pixelValuesWasm', () => {
  const random = seededRandom(41);

  it.each([
    [1, 1],
    [224, 224],
    [7, 13],
    [336, 5],
  ])('%dx%d equals the JS lookup', (width, height) => {
    const table = new Float32Array(3 * 256).map(() => (random.uniform() - 0.5) * 8);
    const pixels = new Uint8Array(width * height * 3).map(() => Math.floor(random.uniform() * 256));
    const plane = width * height;
    const expected = new Float32Array(plane * 3);
    for (let i = 0; i < plane; i++)
      for (let c = 0; c < 3; c++) expected[c * plane + i] = table[c * 256 + pixels[i * 3 + c]!]!;
    const actual = new Float32Array(plane * 3).fill(Number.NaN);
    expect(pixelValuesWasm(pixels, table, actual)).toBe(true);
    expect(Buffer.compare(Buffer.from(actual.buffer), Buffer.from(expected.buffer))).toBe(0);
  });
});
