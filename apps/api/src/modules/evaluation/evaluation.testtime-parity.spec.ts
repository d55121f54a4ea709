// The issue's end-to-end proof on the shared testtime-parity case p1: p1 imported as an embedding
// space (labels, whole corpus, ID and OOD image sets, the 15 noise-image embeddings), adaneg and
// tanl evaluations launched with the fixture's stream seed (OOD set i: 5010 + i) and batch size;
// the stored per-set metrics and mean equal `negmine evaluate` on the same (float32) inputs, and the
// stored stream orders are the fixture's orders.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asFloat32Matrix, asIndexVector, parseNpy, serializeNpy } from '@negmine/formats';
import { describeWithSharedFixtures, repositoryRoot } from '@negmine/formats/testing';
import { streamOrderSha256 } from '@negmine/mining';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { RecordingQueue, runJob, testServices } from '../../../test/support/test-services';
import type { AllServices } from '../../app';
import { SelectionMethod, type ScoringMethod } from '../../shared/enums';
import { EmbeddingTarget } from '../import/import.input';
import { NegativeOrder } from '../mining/mining.input';

const OOD = ['inat', 'scene', 'texture'] as const;
const STREAM_SEED = 5010;
const BATCH = 256;
const METRICS = ['fprAtTprId', 'fprAtTprOod', 'auroc', 'auprIn', 'auprOut', 'thresholdAtTprId', 'nId', 'nOod'] as const;

/** The file's bytes in an ArrayBuffer of their own (a Buffer may be a view into a shared pool). */
function readBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

interface CliOutput {
  readonly sets: Record<string, Record<string, unknown>>;
  readonly mean: Record<string, number>;
}

describeWithSharedFixtures(
  'testtime-parity',
  'API evaluation vs negmine evaluate on testtime-parity p1 (adaneg, tanl, stream seed 5010)',
  (root) => {
    const caseDir = path.join(root, 'p1-k10-n2000');
    const inputs = path.join(root, '..', 'dnm-parity', 'p1-k10-n2000');
    let db: TestDatabase;
    let services: AllServices;
    let dir: string;
    let miningRunId: string;
    const setIds: Record<string, string> = {};

    /** The file as float32 rows (what the API stores), written for the CLI; returns its base64. */
    const float32Copy = (source: string, name: string): { base64: string; rows: number } => {
      const matrix = asFloat32Matrix(parseNpy(readBytes(source)), name);
      const bytes = serializeNpy(matrix.data, [matrix.rows, matrix.cols]);
      writeFileSync(path.join(dir, `${name}.npy`), bytes);
      return { base64: Buffer.from(bytes).toString('base64'), rows: matrix.rows };
    };

    beforeAll(async () => {
      db = await createTestDatabase();
      services = testServices(db.prisma, new RecordingQueue());
      dir = mkdtempSync(path.join(tmpdir(), 'negmine-p1-'));
      const labels = JSON.parse(readFileSync(path.join(inputs, 'id_labels.json'), 'utf8')) as string[];
      const entries = JSON.parse(readFileSync(path.join(inputs, 'corpus.json'), 'utf8')) as {
        word: string;
        pos: string;
      }[];
      const idText = float32Copy(path.join(inputs, 'id_text_emb.npy'), 'id-text');
      const model = await services.models.register({ name: 'p1-space', importedEmbeddingDim: 512 });
      const labelSet = await services.labelSets.create({ name: 'p1-labels', labels });
      await services.imports.importEmbeddings({
        target: EmbeddingTarget.label_names,
        modelId: model.id,
        labelSetId: labelSet.id,
        npyBase64: idText.base64,
      });
      const corpus = await services.imports.importEmbeddings({
        target: EmbeddingTarget.corpus,
        modelId: model.id,
        corpusEntries: entries.map((entry) => ({ word: entry.word, pos: entry.pos })),
        npyBase64: float32Copy(path.join(inputs, 'corpus_text_emb.npy'), 'corpus').base64,
      });
      await services.imports.importEmbeddings({
        target: EmbeddingTarget.noise,
        modelId: model.id,
        npyBase64: float32Copy(path.join(caseDir, 'noise_images.npy'), 'noise').base64,
      });
      for (const set of ['id', ...OOD]) {
        const images = float32Copy(path.join(inputs, `images_${set}.npy`), `images-${set}`);
        setIds[set] = (
          await services.imports.importEmbeddings({
            target: EmbeddingTarget.image_set,
            modelId: model.id,
            imageSetName: `p1-${set}`,
            npyBase64: images.base64,
          })
        ).imageSetId!;
      }
      const run = await services.mining.mineNegatives({
        labelSetId: labelSet.id,
        modelId: model.id,
        corpusId: corpus.corpusId!,
        selectionMethod: SelectionMethod.knn_density,
      });
      miningRunId = run.id;
      await runJob(services, 'mine', { runId: miningRunId });
      // The mined negatives, in rank order, for the CLI's --neg-emb.
      const corpusRows = asFloat32Matrix(parseNpy(readBytes(path.join(dir, 'corpus.npy'))), 'corpus');
      const ranks: number[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await services.mining.negatives({
          miningRunId,
          first: 500,
          after,
          orderBy: NegativeOrder.rank_asc,
        });
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

    const cli = (method: string, extra: readonly string[]): CliOutput => {
      const args = [
        path.join(repositoryRoot(), 'tools', 'cli', 'bin', 'negmine.js'),
        'evaluate',
        '--method',
        method,
        '--threads',
        '1',
        '--id-emb',
        path.join(dir, 'id-text.npy'),
        '--images-id',
        path.join(dir, 'images-id.npy'),
        ...OOD.flatMap((set) => ['--images-ood', `${set}=${path.join(dir, `images-${set}.npy`)}`]),
        '--stream-seed',
        String(STREAM_SEED),
        '--batch-size',
        String(BATCH),
        ...extra,
      ];
      const result = spawnSync(process.execPath, args, { cwd: repositoryRoot(), encoding: 'utf8', timeout: 300_000 });
      if (result.status !== 0) throw new Error(`negmine evaluate ${method} failed: ${result.stderr}`);
      return JSON.parse(result.stdout) as CliOutput;
    };

    it.each([
      ['adaneg', { groups: 5 }, ['--neg-emb', 'NEG', '--groups', '5', '--seed', '0']],
      ['tanl', { negatives: 100 }, ['--corpus-emb', 'CORPUS', '--noise-emb', 'NOISE', '--param', 'negatives=100']],
    ] as const)(
      "%s: the stored metrics equal negmine evaluate with the same seed and batch size; the orders are the fixture's",
      async (method, params, flags) => {
        const launched = await services.evaluations.launch({
          miningRunId,
          method: method as ScoringMethod,
          params,
          streamSeed: STREAM_SEED,
          batchSize: BATCH,
          idImageSetId: setIds['id']!,
          oodImageSetIds: OOD.map((set) => setIds[set]!),
        });
        expect(await runJob(services, 'evaluate', { runId: launched.id })).toBe('committed');
        const run = await services.evaluations.get(launched.id);
        expect(run.status).toBe('succeeded');
        const files: Record<string, string> = {
          NEG: path.join(dir, 'neg-text.npy'),
          CORPUS: path.join(dir, 'corpus.npy'),
          NOISE: path.join(dir, 'noise.npy'),
        };
        const expected = cli(
          method,
          flags.map((flag) => files[flag] ?? flag),
        );
        const results = await db.prisma.evaluationResult.findMany({ where: { evaluationRunId: run.id } });
        const orders = run.streamOrders as { kind: string; imageSetId?: string; sha256: string }[];
        for (const set of OOD) {
          const result = results.find((row) => row.oodImageSetId === setIds[set])!;
          expect({ set, ...Object.fromEntries(METRICS.map((metric) => [metric, result[metric]])) }).toEqual({
            set,
            ...Object.fromEntries(METRICS.map((metric) => [metric, expected.sets[set]![metric]])),
          });
          const fixtureOrder = asIndexVector(
            parseNpy(readBytes(path.join(caseDir, `order_${set}.npy`))),
            `order_${set}`,
          );
          expect(orders.find((record) => record.kind === 'stream' && record.imageSetId === setIds[set])!.sha256).toBe(
            streamOrderSha256(fixtureOrder),
          );
        }
        expect(run.meanMetrics).toEqual(expected.mean);
      },
      300_000,
    );
  },
);
