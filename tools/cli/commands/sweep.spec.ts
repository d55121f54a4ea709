// `negmine sweep`: on p2 (validation = the first half of each set, test = the second half) the chosen
// parameters are the grid's best by the objective, checked against the children, and a rerun gives
// the same; plus the grid cap and input errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asFloat32Matrix, asIndexVector, serializeNpy } from '@negmine/formats';
import { describeWithSharedFixtures, readJson, readNpy } from '@negmine/formats/testing';
import { runCli as run } from '../cli.testing';

interface Child {
  params: Record<string, number>;
  objectiveValue: number;
  mean: Record<string, number>;
}
interface SweepOutput {
  children: Child[];
  bestIndex: number;
  bestParams: Record<string, number>;
  grid: Record<string, number[]>;
  test: { params: Record<string, number>; mean: Record<string, number>; sets: Record<string, { nOod: number }> };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'negmine-sweep-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeRows(file: string, data: Float32Array, rows: number, cols: number): string {
  const out = path.join(dir, file);
  writeFileSync(out, serializeNpy(data, [rows, cols]));
  return out;
}

/** The first (half 0) or second (half 1) half of the rows of a .npy matrix, written to `dir`. */
function half(source: string, which: 0 | 1, name: string): string {
  const m = asFloat32Matrix(readNpy(source), name);
  const cut = Math.floor(m.rows / 2);
  const [start, end] = which === 0 ? [0, cut] : [cut, m.rows];
  return writeRows(`${name}-${which}.npy`, m.data.slice(start * m.cols, end * m.cols), end - start, m.cols);
}

describeWithSharedFixtures('dnm-parity', 'negmine sweep on p2', (root) => {
  it('chooses the grid point with the best validation AUROC, evaluates it on the test halves, and reruns identically', async () => {
    const caseDir = path.join(root, 'p2-k100-n5000');
    const oodNames = readJson<{ ood_sets: string[] }>(path.join(caseDir, 'meta.json')).ood_sets;
    const corpus = asFloat32Matrix(readNpy(path.join(caseDir, 'corpus_text_emb.npy')), 'corpus');
    const selected = asIndexVector(readNpy(path.join(caseDir, 'expected', 'selected_neglabel.npy')), 'selected');
    const neg = new Float32Array(selected.length * corpus.cols);
    selected.forEach((row, i) =>
      neg.set(corpus.data.subarray(row * corpus.cols, (row + 1) * corpus.cols), i * corpus.cols),
    );
    const args = [
      'sweep',
      '--method',
      'neglabel',
      '--id-emb',
      path.join(caseDir, 'id_text_emb.npy'),
      '--neg-emb',
      writeRows('neg.npy', neg, selected.length, corpus.cols),
    ];
    args.push(
      '--val-id',
      half(path.join(caseDir, 'images_id.npy'), 0, 'id'),
      '--test-id',
      half(path.join(caseDir, 'images_id.npy'), 1, 'id'),
    );
    for (const set of oodNames) {
      args.push('--val-ood', `${set}=${half(path.join(caseDir, `images_${set}.npy`), 0, set)}`);
      args.push('--test-ood', `${set}=${half(path.join(caseDir, `images_${set}.npy`), 1, set)}`);
    }
    args.push('--grid', 'groups=10,50,100', '--grid', 'temperature=0.01,0.1', '--objective', 'auroc');
    const first = await run(args);
    expect(first.code).toBe(0);
    const out = JSON.parse(first.stdout) as SweepOutput;
    expect(out.children).toHaveLength(6);
    const best = Math.max(...out.children.map((c) => c.objectiveValue));
    expect(out.children[out.bestIndex]!.objectiveValue).toBe(best);
    expect(out.bestIndex).toBe(out.children.findIndex((c) => c.objectiveValue === best));
    expect(out.children.map((c) => c.objectiveValue)).toEqual(out.children.map((c) => c.mean['auroc']));
    expect(out.bestParams).toEqual(out.children[out.bestIndex]!.params);
    expect(out.test.params).toEqual(out.bestParams);
    expect(Object.keys(out.test.sets)).toEqual(oodNames);
    // The grid points really differ: a sweep over identical children would prove nothing.
    expect(new Set(out.children.map((c) => c.objectiveValue)).size).toBeGreaterThan(1);
    const again = await run(args);
    expect(again.stdout).toBe(first.stdout);
  }, 300_000);
});

describe('negmine sweep inputs', () => {
  let images: string;
  let labels: string;
  beforeAll(() => {
    images = writeRows(
      'images.npy',
      Float32Array.from({ length: 40 }, (_, i) => Math.sin(i + 1)),
      10,
      4,
    );
    labels = writeRows(
      'labels.npy',
      Float32Array.from({ length: 12 }, (_, i) => Math.cos(3 * i + 1)),
      3,
      4,
    );
  });

  it('refuses a grid over the cap with GRID_TOO_LARGE', async () => {
    const { code, stderr } = await run([
      'sweep',
      '--method',
      'mcm',
      '--id-emb',
      labels,
      '--val-id',
      images,
      '--val-ood',
      `a=${images}`,
      '--grid',
      'temperature=0.1,1,10',
      '--max-points',
      '2',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/\[GRID_TOO_LARGE\] the grid has 3 points, more than the cap of 2/);
  });

  it('uses the declared sweep lists by default and rejects unknown parameters and objectives', async () => {
    const ok = await run([
      'sweep',
      '--method',
      'mcm',
      '--id-emb',
      labels,
      '--val-id',
      images,
      '--val-ood',
      `a=${images}`,
      '--objective',
      'fprAtTprId',
    ]);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as SweepOutput).grid).toEqual({ temperature: [0.01, 0.1, 1, 10] });
    const unknown = await run([
      'sweep',
      '--method',
      'mcm',
      '--id-emb',
      labels,
      '--val-id',
      images,
      '--val-ood',
      `a=${images}`,
      '--grid',
      'tau=0.1,0.2',
    ]);
    expect(unknown.stderr).toMatch(/\[INVALID_PARAMETER\] mcm has no parameter 'tau'/);
    const objective = await run([
      'sweep',
      '--method',
      'mcm',
      '--id-emb',
      labels,
      '--val-id',
      images,
      '--val-ood',
      `a=${images}`,
      '--objective',
      'aupr',
    ]);
    expect(objective.stderr).toMatch(/--objective must be one of auroc, fprAtTprId, fprAtTprOod/);
  });
});
