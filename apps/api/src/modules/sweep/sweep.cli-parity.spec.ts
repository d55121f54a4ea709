// The issue's sweep proof through the API, on the shared case p2 (validation = the first half of
// each set, test = the second half): launchSweep + the sweep job choose the grid's best by the
// objective (checked against the children), and agree exactly with `negmine sweep` on the same
// float32 embeddings and the API's mined negatives — every child's objective, the choice, and the
// test evaluation's metrics per set.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asFloat32Matrix, parseNpy, serializeNpy } from '@negmine/formats';
import { describeWithSharedFixtures, repositoryRoot } from '@negmine/formats/testing';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { RecordingQueue, runJob, testServices } from '../../../test/support/test-services';
import type { AllServices } from '../../app';
import { ScoringMethod, SelectionMethod } from '../../shared/enums';
import { EmbeddingTarget } from '../import/import.input';
import { NegativeOrder } from '../mining/mining.input';
import { SweepObjective } from './sweep.input';

const OOD = ['inat', 'scene', 'texture'] as const;
const METRICS = ['fprAtTprId', 'fprAtTprOod', 'auroc', 'auprIn', 'auprOut', 'thresholdAtTprId', 'nId', 'nOod'] as const;

interface CliSweep {
  readonly children: { params: Record<string, number>; objectiveValue: number }[];
  readonly bestIndex: number;
  readonly bestParams: Record<string, number>;
  readonly test: { params: Record<string, number>; sets: Record<string, Record<string, number>> };
}

describeWithSharedFixtures('dnm-parity', 'launchSweep vs negmine sweep on p2 (halves)', (root) => {
  const caseDir = path.join(root, 'p2-k100-n5000');
  let db: TestDatabase;
  let services: AllServices;
  let dir: string;
  let miningRunId: string;
  const setIds: Record<string, string> = {};

  /** Writes rows [start, end) of a fixture matrix as float32 for the CLI; returns its base64 for the API. */
  const rows = (source: string, name: string, half?: 0 | 1): string => {
    const matrix = asFloat32Matrix(parseNpy(new Uint8Array(readFileSync(source))), name);
    const cut = Math.floor(matrix.rows / 2);
    const [start, end] = half === undefined ? [0, matrix.rows] : half === 0 ? [0, cut] : [cut, matrix.rows];
    const bytes = serializeNpy(matrix.data.slice(start * matrix.cols, end * matrix.cols), [end - start, matrix.cols]);
    writeFileSync(path.join(dir, `${name}.npy`), bytes);
    return Buffer.from(bytes).toString('base64');
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    services = testServices(db.prisma, new RecordingQueue());
    dir = mkdtempSync(path.join(tmpdir(), 'negmine-p2-sweep-'));
    const labels = JSON.parse(readFileSync(path.join(caseDir, 'id_labels.json'), 'utf8')) as string[];
    const entries = JSON.parse(readFileSync(path.join(caseDir, 'corpus.json'), 'utf8')) as {
      word: string;
      pos: string;
    }[];
    const model = await services.models.register({ name: 'p2-space', importedEmbeddingDim: 512 });
    const labelSet = await services.labelSets.create({ name: 'p2-labels', labels });
    await services.imports.importEmbeddings({
      target: EmbeddingTarget.label_names,
      modelId: model.id,
      labelSetId: labelSet.id,
      npyBase64: rows(path.join(caseDir, 'id_text_emb.npy'), 'id-text'),
    });
    const corpus = await services.imports.importEmbeddings({
      target: EmbeddingTarget.corpus,
      modelId: model.id,
      corpusEntries: entries.map((entry) => ({ word: entry.word, pos: entry.pos })),
      npyBase64: rows(path.join(caseDir, 'corpus_text_emb.npy'), 'corpus'),
    });
    for (const set of ['id', ...OOD]) {
      for (const half of [0, 1] as const) {
        const name = `${half === 0 ? 'val' : 'test'}-${set}`;
        setIds[name] = (
          await services.imports.importEmbeddings({
            target: EmbeddingTarget.image_set,
            modelId: model.id,
            imageSetName: `p2-${name}`,
            npyBase64: rows(path.join(caseDir, `images_${set}.npy`), name, half),
          })
        ).imageSetId!;
      }
    }
    const run = await services.mining.mineNegatives({
      labelSetId: labelSet.id,
      modelId: model.id,
      corpusId: corpus.corpusId!,
      selectionMethod: SelectionMethod.neglabel,
    });
    miningRunId = run.id;
    await runJob(services, 'mine', { runId: miningRunId });
    // The API's negatives in rank order (the order the grouping permutes), for the CLI's --neg-emb.
    const corpusRows = asFloat32Matrix(parseNpy(new Uint8Array(readFileSync(path.join(dir, 'corpus.npy')))), 'corpus');
    const ranks: number[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await services.mining.negatives({ miningRunId, first: 500, after, orderBy: NegativeOrder.rank_asc });
      ranks.push(...page.edges.map((edge) => edge.node.corpusIndex));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const neg = new Float32Array(ranks.length * 512);
    ranks.forEach((index, rank) => neg.set(corpusRows.data.subarray(index * 512, (index + 1) * 512), rank * 512));
    writeFileSync(path.join(dir, 'neg-text.npy'), serializeNpy(neg, [ranks.length, 512]));
  }, 300_000);

  afterAll(async () => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('chooses the best validation AUROC, tests only the choice, and equals negmine sweep', async () => {
    const launched = await services.sweeps.launch({
      miningRunId,
      method: ScoringMethod.neglabel,
      grid: { groups: [10, 50, 100], temperature: [0.01, 0.1] },
      objective: SweepObjective.auroc,
      validation: { idImageSetId: setIds['val-id']!, oodImageSetIds: OOD.map((set) => setIds[`val-${set}`]!) },
      test: { idImageSetId: setIds['test-id']!, oodImageSetIds: OOD.map((set) => setIds[`test-${set}`]!) },
    });
    expect(await runJob(services, 'sweep', { runId: launched.id })).toBe('committed');
    const sweep = await services.sweeps.get(launched.id);
    expect(sweep.status).toBe('succeeded');
    const values = sweep.children.map((child) => child.objectiveValue);
    expect(new Set(values).size).toBeGreaterThan(1);
    expect(sweep.bestIndex).toBe(values.indexOf(Math.max(...values)));

    const file = (name: string) => path.join(dir, `${name}.npy`);
    const args = [
      path.join(repositoryRoot(), 'tools', 'cli', 'bin', 'negmine.js'),
      'sweep',
      '--method',
      'neglabel',
      '--threads',
      '1',
      '--id-emb',
      file('id-text'),
      '--neg-emb',
      file('neg-text'),
      '--val-id',
      file('val-id'),
      '--test-id',
      file('test-id'),
      ...OOD.flatMap((set) => [
        '--val-ood',
        `${set}=${file(`val-${set}`)}`,
        '--test-ood',
        `${set}=${file(`test-${set}`)}`,
      ]),
      '--grid',
      'groups=10,50,100',
      '--grid',
      'temperature=0.01,0.1',
      '--objective',
      'auroc',
    ];
    const result = spawnSync(process.execPath, args, { cwd: repositoryRoot(), encoding: 'utf8', timeout: 300_000 });
    if (result.status !== 0) throw new Error(`negmine sweep failed: ${result.stderr}`);
    const cli = JSON.parse(result.stdout) as CliSweep;
    expect(values).toEqual(cli.children.map((child) => child.objectiveValue));
    expect(sweep.bestIndex).toBe(cli.bestIndex);
    expect(sweep.bestParams).toEqual(cli.bestParams);
    const stored = await db.prisma.evaluationResult.findMany({ where: { evaluationRunId: sweep.testRunId! } });
    for (const set of OOD) {
      const row = stored.find((candidate) => candidate.oodImageSetId === setIds[`test-${set}`])!;
      expect({ set, ...Object.fromEntries(METRICS.map((metric) => [metric, row[metric]])) }).toEqual({
        set,
        ...Object.fromEntries(METRICS.map((metric) => [metric, cli.test.sets[set]![metric]])),
      });
    }
  }, 300_000);
});
