// `negmine select` end to end through main(): temp corpus/.npy files in, int64 indices out, and
// exit-2 errors naming the problem for malformed input.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseNpy, serializeNpy } from '@negmine/formats';
import { knnDensitySelection, negLabelSelection, type PartOfSpeech } from '@negmine/mining';
import { syntheticTextEmbeddings } from '@negmine/mining/testing';
import { runCli as run } from '../cli.testing';

let dir: string;
const file = (name: string): string => path.join(dir, name);
const N = 150;
const D = 16;
const embeddings = syntheticTextEmbeddings(N, D, 21);
const idEmbeddings = syntheticTextEmbeddings(12, D, 22);
const partsOfSpeech: PartOfSpeech[] = Array.from({ length: N }, (_, i) => (i % 5 === 0 ? 'adj' : 'noun'));

function readIndices(name: string): number[] {
  const array = parseNpy(new Uint8Array(readFileSync(file(name))));
  expect(array.dtype).toBe('int64');
  return Array.from(array.data as BigInt64Array, Number);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'negmine-select-cli-'));
  writeFileSync(file('corpus.json'), JSON.stringify(partsOfSpeech.map((pos, i) => ({ word: `word${i}`, pos }))));
  writeFileSync(file('emb.npy'), serializeNpy(embeddings.data, [N, D]));
  writeFileSync(file('id.npy'), serializeNpy(idEmbeddings.data, [12, D]));
  writeFileSync(file('id-labels.json'), JSON.stringify(Array.from({ length: 12 }, (_, i) => `label${i}`)));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = (): string[] => ['select', '--corpus', file('corpus.json'), '--corpus-emb', file('emb.npy')];

describe('negmine select', () => {
  it('writes the knn-density selection as int64 indices, in order, and prints a summary', async () => {
    const { code, stdout, stderr } = await run([
      ...base(),
      '--method',
      'knn-density',
      '--k',
      '9',
      '--out',
      file('sel.npy'),
      '--statistic-out',
      file('stat.npy'),
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const expected = await knnDensitySelection.select({ candidateEmbeddings: embeddings, partsOfSpeech }, { k: 9 });
    expect(readIndices('sel.npy')).toEqual(Array.from(expected.selectedIndices));
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      method: 'knn-density',
      candidates: N,
      selected: expected.selectedIndices.length,
      keptCounts: { noun: 27, adj: 3 },
    });
    const statistic = parseNpy(new Uint8Array(readFileSync(file('stat.npy'))));
    expect(statistic.dtype).toBe('float64');
    expect(Array.from(statistic.data as Float64Array)).toEqual(Array.from(expected.statistic));
  });

  it('applies a backbone preset, with explicit flags on top', async () => {
    const { code, stdout } = await run([
      ...base(),
      '--method',
      'knn-density',
      '--preset',
      'vit-b32',
      '--keep-adj',
      '0.5',
      '--out',
      file('p.npy'),
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      parameters: { k: 10, keepNoun: 0.23, keepAdj: 0.5 },
      keptCounts: { noun: 27, adj: 15 },
    });
  });

  it('runs neglabel with the ID embeddings', async () => {
    const { code } = await run([
      ...base(),
      '--method',
      'neglabel',
      '--id-emb',
      file('id.npy'),
      '--precision',
      'float64',
      '--out',
      file('n.npy'),
    ]);
    expect(code).toBe(0);
    const expected = await negLabelSelection.select(
      { candidateEmbeddings: embeddings, partsOfSpeech, idEmbeddings },
      { precision: 'float64' },
    );
    expect(readIndices('n.npy')).toEqual(Array.from(expected.selectedIndices));
  });

  it('writes false-negative diagnostics and can exclude flagged candidates first', async () => {
    const words = ['goldfish', 'fish', 'oak', 'lamp', 'shiny', 'tree'];
    writeFileSync(
      file('fn-corpus.json'),
      JSON.stringify(words.map((word, i) => ({ word, pos: i === 4 ? 'adj' : 'noun' }))),
    );
    const rows = syntheticTextEmbeddings(6, D, 30);
    writeFileSync(file('fn-emb.npy'), serializeNpy(rows.data, [6, D]));
    writeFileSync(file('fn-labels.json'), JSON.stringify(['fish']));
    const args = [
      'select',
      '--method',
      'knn-density',
      '--k',
      '2',
      '--keep-noun',
      '1',
      '--keep-adj',
      '1',
      '--corpus',
      file('fn-corpus.json'),
      '--corpus-emb',
      file('fn-emb.npy'),
      '--id-labels',
      file('fn-labels.json'),
    ];
    const plain = await run([...args, '--out', file('fn.npy'), '--diagnostics-out', file('fn.json')]);
    expect(plain.code).toBe(0);
    const diagnoses = JSON.parse(readFileSync(file('fn.json'), 'utf8')) as Array<{
      word: string;
      flagged: boolean;
      flags: Record<string, boolean>;
    }>;
    expect(diagnoses).toHaveLength(6);
    expect(diagnoses.find((d) => d.word === 'goldfish')!.flags['hyponym']).toBe(true);
    expect(diagnoses.find((d) => d.word === 'fish')!.flags['synonym']).toBe(true);
    expect(diagnoses.find((d) => d.word === 'lamp')!.flagged).toBe(false);
    const excluded = await run([...args, '--out', file('fn2.npy'), '--exclude-flagged']);
    expect(excluded.code).toBe(0);
    expect(JSON.parse(excluded.stdout)).toMatchObject({ excludedAsFalseNegatives: 2, selected: 4 });
    expect(readIndices('fn2.npy')).not.toContain(0);
    expect(readIndices('fn2.npy')).not.toContain(1);
  }, 60_000);

  const bad: Array<[string, () => string[], RegExp]> = [
    [
      'an unknown method',
      () => [...base(), '--method', 'csp', '--out', file('x.npy')],
      /--method must be one of knn-density, neglabel/,
    ],
    [
      'neglabel without ID embeddings',
      () => [...base(), '--method', 'neglabel', '--out', file('x.npy')],
      /needs --id-emb/,
    ],
    [
      'a preset with neglabel',
      () => [
        ...base(),
        '--method',
        'neglabel',
        '--id-emb',
        file('id.npy'),
        '--preset',
        'vit-b16',
        '--out',
        file('x.npy'),
      ],
      /--preset applies to --method knn-density only/,
    ],
    [
      'an unknown preset',
      () => [...base(), '--method', 'knn-density', '--preset', 'vit-h14', '--out', file('x.npy')],
      /\[UNKNOWN_PRESET\].*presets exist for/,
    ],
    [
      'k ≥ N',
      () => [...base(), '--method', 'knn-density', '--k', String(N), '--out', file('x.npy')],
      /\[INVALID_PARAMETER\] k must be an integer with 1 ≤ k < N = 150/,
    ],
    [
      'a keep fraction above 1',
      () => [...base(), '--method', 'knn-density', '--keep-noun', '1.5', '--out', file('x.npy')],
      /keepNoun must be a fraction in \(0, 1\]/,
    ],
    [
      'a keep fraction of 0',
      () => [...base(), '--method', 'neglabel', '--id-emb', file('id.npy'), '--keep-adj', '0', '--out', file('x.npy')],
      /keepAdj must be a fraction in \(0, 1\]/,
    ],
    [
      'a non-numeric k',
      () => [...base(), '--method', 'knn-density', '--k', 'ten', '--out', file('x.npy')],
      /--k must be a number/,
    ],
    [
      'diagnostics without labels',
      () => [...base(), '--method', 'knn-density', '--exclude-flagged', '--out', file('x.npy')],
      /need --id-labels/,
    ],
    [
      'an --out in a missing folder',
      () => [...base(), '--method', 'knn-density', '--out', path.join(dir, 'absent', 'x.npy')],
      /--out .*absent.*: cannot write into/,
    ],
    [
      'a folder as --statistic-out',
      () => [...base(), '--method', 'knn-density', '--out', file('x.npy'), '--statistic-out', dir],
      /--statistic-out .* is a folder/,
    ],
    [
      'an unwritable --diagnostics-out',
      () => [
        ...base(),
        '--method',
        'knn-density',
        '--out',
        file('x.npy'),
        '--diagnostics-out',
        path.join(dir, 'absent', 'd.json'),
      ],
      /--diagnostics-out .*: cannot write into/,
    ],
  ];
  it.each(bad)('rejects %s with exit code 2', async (_, args, message) => {
    const { code, stderr } = await run(args());
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('rejects mismatched, malformed or empty inputs naming the file', async () => {
    writeFileSync(file('short.npy'), serializeNpy(embeddings.data.slice(0, (N - 1) * D), [N - 1, D]));
    writeFileSync(file('id8.npy'), serializeNpy(new Float32Array(12 * 8).fill(1), [12, 8]));
    const nan = Float32Array.from(embeddings.data);
    nan[7] = Number.NaN;
    writeFileSync(file('nan.npy'), serializeNpy(nan, [N, D]));
    writeFileSync(file('flat.npy'), serializeNpy(embeddings.data, [N * D]));
    writeFileSync(file('empty.json'), '[]');
    writeFileSync(file('verb.json'), JSON.stringify([{ word: 'run', pos: 'verb' }]));
    const cases: Array<[string[], RegExp]> = [
      [['--corpus-emb', file('short.npy')], /has 149 rows but --corpus .* has 150 candidates/],
      [['--corpus-emb', file('flat.npy')], /must be a 2-D array/],
      [['--corpus-emb', file('nan.npy')], /\[NON_FINITE_VALUE\] candidate embeddings row 0, column 7 is NaN/],
      [['--corpus', file('empty.json')], /empty corpus/],
      [['--corpus', file('verb.json')], /pos "verb"; accepted: "noun", "adj"/],
      [
        ['--id-emb', file('id8.npy'), '--method', 'neglabel'],
        /\[SHAPE_MISMATCH\] ID label embeddings have dimension 8 but candidate embeddings have 16/,
      ],
    ];
    for (const [override, message] of cases) {
      const args = [
        'select',
        '--method',
        'knn-density',
        '--k',
        '5',
        '--corpus',
        file('corpus.json'),
        '--corpus-emb',
        file('emb.npy'),
        '--out',
        file('x.npy'),
      ];
      for (let i = 0; i < override.length; i += 2) {
        const at = args.indexOf(override[i]!);
        if (at >= 0) args.splice(at, 2, override[i]!, override[i + 1]!);
        else args.push(override[i]!, override[i + 1]!);
      }
      if (args.includes('neglabel')) args.splice(args.indexOf('--k'), 2);
      const { code, stderr } = await run(args);
      expect({ args: override, code }).toEqual({ args: override, code: 2 });
      expect(stderr).toMatch(message);
    }
  });
});
