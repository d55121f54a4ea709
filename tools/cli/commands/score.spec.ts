// `negmine score` end to end through main(): .npy files in, float64 scores (and std) out, the same
// numbers as the library, typed exit-2 errors for bad flags and inputs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serializeNpy, type NpyData } from '@negmine/formats';
import { readNpy } from '@negmine/formats/testing';
import { scoringMethod } from '@negmine/mining';
import { runCli as run } from '../cli.testing';
import { stdPathFor } from './score';

/** Deterministic pseudo-random raw embeddings (a linear congruential stream; values in [-1, 1)). */
function embeddings(rows: number, cols: number, seed: number): Float32Array {
  const data = new Float32Array(rows * cols);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 31 - 1;
  }
  return data;
}

let dir: string;
const file = (name: string): string => path.join(dir, name);
function writeNpy(name: string, data: NpyData, shape: readonly number[]): string {
  writeFileSync(file(name), serializeNpy(data, shape));
  return file(name);
}

const DIM = 16;
const images = embeddings(30, DIM, 1);
const idText = embeddings(5, DIM, 2);
const negText = embeddings(43, DIM, 3);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'negmine-score-cli-'));
  writeNpy('images.npy', images, [30, DIM]);
  writeNpy('id.npy', idText, [5, DIM]);
  writeNpy('neg.npy', negText, [43, DIM]);
  writeNpy(
    'perm.npy',
    BigInt64Array.from({ length: 40 }, (_, i) => BigInt((i * 7) % 40)),
    [40],
  );
  writeNpy('ints.npy', Int32Array.from([1, 2, 3, 4]), [2, 2]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = () => [
  'score',
  '--images',
  file('images.npy'),
  '--id-emb',
  file('id.npy'),
  '--neg-emb',
  file('neg.npy'),
  '--out',
  file('out.npy'),
];

describe('negmine score', () => {
  it('writes float64 scores equal to the library with the given permutation, and a JSON summary', async () => {
    const { code, stdout, stderr } = await run([
      ...base(),
      '--method',
      'debiased',
      '--groups',
      '4',
      '--tau',
      '0.9',
      '--permutation',
      file('perm.npy'),
      '--precision',
      'float64',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      method: 'debiased',
      images: 30,
      precision: 'float64',
      guardHits: 0,
      grouping: { groups: 4, groupSize: 10, dropped: 3, permutationGiven: true },
    });
    const written = readNpy(file('out.npy'));
    expect(written.dtype).toBe('float64');
    expect(written.shape).toEqual([30]);
    const expected = await scoringMethod('debiased').score(
      { data: images, rows: 30, cols: DIM },
      { data: idText, rows: 5, cols: DIM },
      { data: negText, rows: 43, cols: DIM },
      { groups: 4, tau: 0.9 },
      { precision: 'float64', permutation: Int32Array.from({ length: 40 }, (_, i) => (i * 7) % 40) },
    );
    expect(Array.from(written.data as Float64Array)).toEqual(Array.from(expected.scores));
  });

  it('writes <out>.std.npy with --permutations > 1', async () => {
    const { code, stdout } = await run([
      ...base(),
      '--method',
      'neglabel',
      '--groups',
      '4',
      '--permutations',
      '3',
      '--seed',
      '5',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ grouping: { seeds: [5, 6, 7] }, stdOut: stdPathFor(file('out.npy')) });
    const std = readNpy(stdPathFor(file('out.npy')));
    expect(std.shape).toEqual([30]);
    expect(Array.from(std.data as Float64Array).some((s) => s > 0)).toBe(true);
    expect(stdPathFor('a/scores.npy')).toBe('a/scores.std.npy');
  });

  it('applies a preset under explicit flags, and passes other parameters with --param', async () => {
    const preset = await run([...base(), '--method', 'debiased', '--groups', '4', '--preset', 'vit-b32']);
    expect(JSON.parse(preset.stdout)).toMatchObject({ params: { tau: 0.12, temperature: 0.01, groups: 4 } });
    expect(preset.stderr).toMatch(/warning \[TAU_ALLOWS_NONPOSITIVE_PARTITION\]/);
    const adaneg = await run([...base(), '--method', 'adaneg', '--param', 'memoryLength=4', '--param', 'batchSize=8']);
    expect(adaneg.code).toBe(0);
    expect(JSON.parse(adaneg.stdout)).toMatchObject({ params: { memoryLength: 4, batchSize: 8, groups: 5 } });
  });

  it.each([
    [['--method', 'energy'], /unknown scoring method 'energy'; accepted: mcm, neglabel, debiased, adaneg/],
    [['--method', 'debiased', '--tau', '0'], /\[INVALID_PARAMETER\] debiased: tau must be \(0, 1\]/],
    [['--method', 'debiased', '--groups', '44'], /groups must be an integer in \[1, N\] where N = 43/],
    [['--method', 'debiased', '--guard', 'soft'], /guard must be one of clamp, estimate, none/],
    [['--method', 'mcm', '--tau', '0.5'], /mcm has no parameter 'tau'/],
    [['--method', 'debiased', '--seed', '1', '--permutation', 'x.npy'], /--permutation and --seed are exclusive/],
    [
      ['--method', 'debiased', '--groups', '6', '--permutation', 'PERM'],
      /permutation must have N − \(N mod G\) = 42 entries/,
    ],
    [['--method', 'debiased', '--param', 'tau'], /--param takes NAME=VALUE/],
    [['--method', 'neglabel', '--preset', 'vit-b16'], /is a debiased preset; it cannot configure --method neglabel/],
    [['--method', 'debiased', '--precision', 'float16'], /--precision must be float32 or float64/],
    [['--method', 'debiased', '--groups', '2.5'], /--groups must be an integer/],
  ])('fails with exit 2 on %j', async (flags, message) => {
    const args = [...base(), ...flags.map((f) => (f === 'PERM' ? file('perm.npy') : f))];
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('rejects missing negatives and non-float embeddings', async () => {
    const missing = await run([
      'score',
      '--method',
      'neglabel',
      '--images',
      file('images.npy'),
      '--id-emb',
      file('id.npy'),
      '--out',
      file('o.npy'),
    ]);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/needs --neg-emb/) });
    const ints = await run([
      'score',
      '--method',
      'mcm',
      '--images',
      file('ints.npy'),
      '--id-emb',
      file('id.npy'),
      '--out',
      file('o.npy'),
    ]);
    expect(ints).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--images .*must be float32 or float64; got int32/),
    });
    const dims = await run([
      'score',
      '--method',
      'mcm',
      '--images',
      file('images.npy'),
      '--id-emb',
      file('neg.npy'),
      '--out',
      file('o.npy'),
    ]);
    expect(dims.code).toBe(0);
    const mismatch = await run([
      'score',
      '--method',
      'mcm',
      '--images',
      file('images.npy'),
      '--id-emb',
      file('perm.npy'),
      '--out',
      file('o.npy'),
    ]);
    expect(mismatch).toMatchObject({ code: 2, stderr: expect.stringMatching(/2-D|float32 or float64/) });
  });

  it('refuses an unwritable --out before reading the inputs', async () => {
    // The images file does not exist either: the --out error comes first, so nothing is scored in vain.
    const args = ['score', '--method', 'mcm', '--images', file('absent.npy'), '--id-emb', file('id.npy')];
    const noFolder = await run([...args, '--out', path.join(dir, 'absent', 'o.npy')]);
    expect(noFolder).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`--out ${path.join(dir, 'absent', 'o.npy')}: cannot write into`),
    });
    const folder = await run([...args, '--out', dir]);
    expect(folder).toMatchObject({ code: 2, stderr: expect.stringContaining('is a folder') });
  });
});
