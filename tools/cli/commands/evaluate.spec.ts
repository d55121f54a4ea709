// `negmine evaluate` end to end: metrics of our own scores match dnm-parity's metrics.json within
// the README tolerances (FPR95 within 2/n_ood, AUROC/AUPR within 1e-4), plus input errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asFloat32Matrix, asIndexVector, serializeNpy } from '@negmine/formats';
import { describeWithSharedFixtures, readJson, readNpy } from '@negmine/formats/testing';
import { runCli as run } from '../cli.testing';

interface Row {
  fprAtTprId: number;
  auroc: number;
  auprIn: number;
  auprOut: number;
  nOod: number;
}
interface Table {
  method: string;
  sets: Record<string, Row>;
  mean: Record<string, number>;
}
type FixtureMetrics = Record<
  string,
  Record<string, { fpr95: number; auroc: number; aupr_in: number; aupr_out: number }>
>;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'negmine-evaluate-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the selected rows of the corpus embeddings (the negatives in selection order) to a .npy. */
function writeSelected(caseDir: string, selection: string, out: string): string {
  const corpus = asFloat32Matrix(readNpy(path.join(caseDir, 'corpus_text_emb.npy')), 'corpus');
  const selected = asIndexVector(readNpy(path.join(caseDir, 'expected', `selected_${selection}.npy`)), 'selected');
  const data = new Float32Array(selected.length * corpus.cols);
  selected.forEach((row, i) =>
    data.set(corpus.data.subarray(row * corpus.cols, (row + 1) * corpus.cols), i * corpus.cols),
  );
  const file = path.join(dir, out);
  writeFileSync(file, serializeNpy(data, [selected.length, corpus.cols]));
  return file;
}

describeWithSharedFixtures('dnm-parity', 'negmine evaluate on dnm-parity', (root) => {
  for (const name of ['p1-k10-n2000', 'p2-k100-n5000', 'p3-k1000-n12000']) {
    const caseDir = path.join(root, name);
    for (const [fixtureMethod, method, selection] of [
      ['seed', 'debiased', 'seed'],
      ['neglabel', 'neglabel', 'neglabel'],
      ['mcm', 'mcm', undefined],
    ] as const) {
      it(`${name}: ${method} metrics match metrics.json[${fixtureMethod}]`, async () => {
        const meta = readJson<{ ood_sets: string[] }>(path.join(caseDir, 'meta.json'));
        const expected = readJson<FixtureMetrics>(path.join(caseDir, 'expected', 'metrics.json'));
        const args = [
          'evaluate',
          '--method',
          method,
          '--images-id',
          path.join(caseDir, 'images_id.npy'),
          '--id-emb',
          path.join(caseDir, 'id_text_emb.npy'),
        ];
        for (const set of meta.ood_sets) args.push('--images-ood', `${set}=${path.join(caseDir, `images_${set}.npy`)}`);
        if (selection !== undefined) {
          args.push('--neg-emb', writeSelected(caseDir, selection, `${name}-${selection}.npy`));
          args.push('--permutation', path.join(caseDir, 'expected', `perm_${selection}.npy`));
        }
        const { code, stdout, stderr } = await run(args);
        expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
        const table = JSON.parse(stdout) as Table;
        expect(Object.keys(table.sets)).toEqual(meta.ood_sets);
        for (const set of meta.ood_sets) {
          const ours = table.sets[set]!;
          const theirs = expected[set]![fixtureMethod]!;
          expect(Math.abs(ours.fprAtTprId - theirs.fpr95)).toBeLessThanOrEqual(2 / ours.nOod);
          expect(Math.abs(ours.auroc - theirs.auroc)).toBeLessThanOrEqual(1e-4);
          expect(Math.abs(ours.auprIn - theirs.aupr_in)).toBeLessThanOrEqual(1e-4);
          expect(Math.abs(ours.auprOut - theirs.aupr_out)).toBeLessThanOrEqual(1e-4);
        }
        const meanAuroc = meta.ood_sets.reduce((s, set) => s + table.sets[set]!.auroc, 0) / meta.ood_sets.length;
        expect(table.mean['auroc']).toBeCloseTo(meanAuroc, 14);
      }, 120_000);
    }
  }
});

describe('negmine evaluate inputs', () => {
  let images: string;
  let labels: string;
  beforeAll(() => {
    images = path.join(dir, 'images.npy');
    labels = path.join(dir, 'labels.npy');
    writeFileSync(
      images,
      serializeNpy(
        Float32Array.from({ length: 40 }, (_, i) => Math.sin(i + 1)),
        [10, 4],
      ),
    );
    writeFileSync(
      labels,
      serializeNpy(
        Float32Array.from({ length: 12 }, (_, i) => Math.cos(3 * i + 1)),
        [3, 4],
      ),
    );
  });

  it('prints one JSON table with a mean row, scoring stream-adaptive methods per OOD + ID stream with a reset', async () => {
    // Both sets are the same images in the same given order: a reset per set makes their metrics equal.
    const order = path.join(dir, 'order20.npy');
    writeFileSync(
      order,
      serializeNpy(
        BigInt64Array.from([3, 17, 0, 9, 12, 5, 19, 1, 8, 14, 2, 11, 6, 16, 4, 13, 10, 18, 7, 15].map(BigInt)),
        [20],
      ),
    );
    const args = [
      'evaluate',
      '--method',
      'adaneg',
      '--groups',
      '1',
      '--images-id',
      images,
      '--images-ood',
      `a=${images}`,
      '--images-ood',
      `b=${images}`,
      '--id-emb',
      labels,
      '--neg-emb',
      labels,
    ];
    const { code, stdout } = await run([
      ...args,
      '--stream-order',
      `a=${order}`,
      '--stream-order',
      `b=${order}`,
      '--batch-size',
      '4',
    ]);
    expect(code).toBe(0);
    const table = JSON.parse(stdout) as Table & {
      protocol: string;
      batchSize: number;
      sets: Record<string, { streamOrder: { given: boolean; sha256: string } }>;
    };
    expect(table.protocol).toBe('stream');
    expect(table.batchSize).toBe(4);
    expect(Object.keys(table.sets)).toEqual(['a', 'b']);
    expect(table.sets['a']).toEqual(table.sets['b']);
    expect(table.sets['a']!.streamOrder.given).toBe(true);
    expect(Object.keys(table.mean).sort()).toEqual(['auprIn', 'auprOut', 'auroc', 'fprAtTprId', 'fprAtTprOod']);
  });

  it('draws stream orders from --stream-seed (set i from S + i), reproducibly, and writes --scores-out in stream order', async () => {
    const out = path.join(dir, 'scores-out');
    const args = [
      'evaluate',
      '--method',
      'adaneg',
      '--groups',
      '1',
      '--images-id',
      images,
      '--images-ood',
      `a=${images}`,
      '--images-ood',
      `b=${images}`,
      '--id-emb',
      labels,
      '--neg-emb',
      labels,
      '--batch-size',
      '3',
    ];
    const first = await run([...args, '--stream-seed', '7', '--scores-out', out]);
    const again = await run([...args, '--stream-seed', '7']);
    const other = await run([...args, '--stream-seed', '8']);
    expect([first.code, again.code, other.code]).toEqual([0, 0, 0]);
    const table = JSON.parse(first.stdout) as {
      seed: number;
      sets: Record<string, { streamOrder: { seed: number; sha256: string } }>;
    };
    expect(table.seed).toBe(7);
    expect(table.sets['a']!.streamOrder.seed).toBe(7);
    expect(table.sets['b']!.streamOrder.seed).toBe(8);
    expect(again.stdout).toBe(first.stdout);
    const otherTable = JSON.parse(other.stdout) as typeof table;
    // Seed 8 draws set a's order as seed 7 drew set b's.
    expect(otherTable.sets['a']!.streamOrder.sha256).toBe(table.sets['b']!.streamOrder.sha256);
    const scores = readNpy(path.join(out, 'a.npy'));
    expect(scores.dtype).toBe('float64');
    expect(scores.shape).toEqual([20]);
  });

  it('refuses stream flags for a static method and orders for unknown sets', async () => {
    const base = ['evaluate', '--images-id', images, '--images-ood', `a=${images}`, '--id-emb', labels];
    const staticRun = await run([...base, '--method', 'mcm', '--stream-seed', '3']);
    expect(staticRun.code).toBe(2);
    expect(staticRun.stderr).toMatch(/--stream-seed applies to stream-adaptive methods only/);
    const unknown = await run([
      ...base,
      '--method',
      'adaneg',
      '--groups',
      '1',
      '--neg-emb',
      labels,
      '--stream-order',
      `zz=${images}`,
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--stream-order zz: no --images-ood set has that name/);
  });

  it("writes a static method's --scores-out as ID rows then OOD rows", async () => {
    const out = path.join(dir, 'static-out');
    const { code } = await run([
      'evaluate',
      '--method',
      'mcm',
      '--images-id',
      images,
      '--images-ood',
      `a=${images}`,
      '--id-emb',
      labels,
      '--scores-out',
      out,
    ]);
    expect(code).toBe(0);
    const scores = readNpy(path.join(out, 'a.npy')).data as Float64Array;
    expect(scores.length).toBe(20);
    expect(Array.from(scores.subarray(0, 10))).toEqual(Array.from(scores.subarray(10)));
  });

  it('reports guard hits per set and passes scoring warnings on to stderr', async () => {
    // K = 3, Q = 3: tau = 0.2 < Q/(K + Q) = 0.5, so debiased warns that Z_j ≤ 0 is possible.
    const args = [
      'evaluate',
      '--method',
      'debiased',
      '--groups',
      '1',
      '--tau',
      '0.2',
      '--images-id',
      images,
      '--images-ood',
      `a=${images}`,
      '--id-emb',
      labels,
      '--neg-emb',
      labels,
    ];
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^warning \[TAU_ALLOWS_NONPOSITIVE_PARTITION\] \(images-id\): tau = 0.2 is below/m);
    expect(stderr).toMatch(/^warning \[TAU_ALLOWS_NONPOSITIVE_PARTITION\] \(a\): /m);
    const row = (JSON.parse(stdout) as Table).sets['a'] as Row & { guardHits: number };
    expect(Number.isInteger(row.guardHits)).toBe(true);
    const safe = await run([
      'evaluate',
      '--method',
      'mcm',
      '--images-id',
      images,
      '--images-ood',
      `a=${images}`,
      '--id-emb',
      labels,
    ]);
    expect(safe.stderr).toBe('');
    expect((JSON.parse(safe.stdout) as Table).sets['a']).toMatchObject({ guardHits: 0 });
  });

  it.each(['mcm', 'adaneg'])('refuses an OOD set whose dimension differs from the ID images (%s)', async (method) => {
    const narrow = path.join(dir, 'narrow.npy');
    writeFileSync(
      narrow,
      serializeNpy(
        Float32Array.from({ length: 30 }, (_, i) => Math.sin(2 * i + 1)),
        [10, 3],
      ),
    );
    const negatives = method === 'adaneg' ? ['--groups', '1', '--neg-emb', labels] : [];
    const { code, stderr } = await run([
      'evaluate',
      '--method',
      method,
      '--images-id',
      images,
      '--images-ood',
      `n=${narrow}`,
      '--id-emb',
      labels,
      ...negatives,
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /--images-ood n has dimension 3 but --images-id has 4; both must come from the same image encoder/,
    );
  });

  it.each([
    [['--images-ood', 'noequals'], /--images-ood takes NAME=FILE/],
    [['--images-ood', 'a=x.npy', '--images-ood', 'a=y.npy'], /names must be unique/],
    [['--images-ood', 'mean=x.npy'], /not 'mean'/],
  ])('fails with exit 2 on %j', async (flags, message) => {
    const { code, stderr } = await run([
      'evaluate',
      '--method',
      'mcm',
      '--images-id',
      images,
      '--id-emb',
      labels,
      ...flags,
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describeWithSharedFixtures('testtime-parity', 'negmine evaluate --method tanl|adaneg on testtime-parity p1', (root) => {
  const caseDir = path.join(root, 'p1-k10-n2000');
  const inputs = path.join(root, '..', 'dnm-parity', 'p1-k10-n2000');
  const oodNames = ['inat', 'scene', 'texture'];
  const base = (method: string): string[] => {
    const args = [
      'evaluate',
      '--method',
      method,
      '--precision',
      'float64',
      '--images-id',
      path.join(inputs, 'images_id.npy'),
      '--id-emb',
      path.join(inputs, 'id_text_emb.npy'),
    ];
    for (const set of oodNames) {
      args.push(
        '--images-ood',
        `${set}=${path.join(inputs, `images_${set}.npy`)}`,
        '--stream-order',
        `${set}=${path.join(caseDir, `order_${set}.npy`)}`,
      );
    }
    return args;
  };

  it('tanl: --scores-out holds the fixture scores in stream order (1e-9) and the metrics match', async () => {
    const out = path.join(dir, 'tanl-scores');
    const args = [
      ...base('tanl'),
      '--corpus-emb',
      path.join(inputs, 'corpus_text_emb.npy'),
      '--noise-emb',
      path.join(caseDir, 'noise_images.npy'),
      '--pos-init-order',
      path.join(caseDir, 'tanl_pos_init_perm.npy'),
      '--noise-init-order',
      path.join(caseDir, 'tanl_noise_init_perm.npy'),
      '--scores-out',
      out,
    ];
    const { code, stdout, stderr } = await run(args);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const table = JSON.parse(stdout) as Table;
    const expected = readJson<Record<string, Record<string, { auroc: number; fpr95: number }>>>(
      path.join(caseDir, 'metrics_testtime.json'),
    );
    for (const set of oodNames) {
      const ours = readNpy(path.join(out, `${set}.npy`)).data as Float64Array;
      const theirs = readNpy(path.join(caseDir, `scores_tanl_${set}.npy`)).data as Float64Array;
      expect(ours.length).toBe(theirs.length);
      ours.forEach((v, i) => expect(Math.abs(v - theirs[i]!) / Math.abs(theirs[i]!)).toBeLessThan(1e-9));
      expect(Math.abs(table.sets[set]!.auroc - expected[set]!['tanl']!.auroc)).toBeLessThan(1e-9);
      expect(Math.abs(table.sets[set]!.fprAtTprId - expected[set]!['tanl']!.fpr95)).toBeLessThan(1e-9);
    }
  }, 120_000);

  it('tanl without --corpus-emb or --noise-emb is a MISSING_INPUT error naming the input', async () => {
    const noCorpus = await run([...base('tanl'), '--noise-emb', path.join(caseDir, 'noise_images.npy')]);
    expect(noCorpus.code).toBe(2);
    expect(noCorpus.stderr).toMatch(/\[MISSING_INPUT\] tanl needs the whole candidate corpus embeddings/);
    const noNoise = await run([...base('tanl'), '--corpus-emb', path.join(inputs, 'corpus_text_emb.npy')]);
    expect(noNoise.code).toBe(2);
    expect(noNoise.stderr).toMatch(/\[MISSING_INPUT\] tanl needs the noise-image embeddings/);
  });
});
