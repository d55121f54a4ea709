// `negmine export-detector` and `negmine detect` end to end through main(): the exported files
// reproduce the library's scores, two exports are byte-identical, bad input exits 2 with a typed
// message, and pipeline.onnx (vision tower + detector) equals embed-images + detector.onnx on the
// project's own generated model and, when ../shared exists, on the tiny CLIP fixture photos.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { decodeImageToRgb, loadClipModel, parsePreprocessorConfig, preprocessImage } from '@negmine/encoders';
import { writeSyntheticImages, writeTinyClipModel } from '@negmine/encoders/testing';
import { serializeNpy, type NpyData } from '@negmine/formats';
import { describeWithSharedFixtures, readNpy } from '@negmine/formats/testing';
import { DetectorRunner, scoringMethod } from '@negmine/mining';
import { runCli as run } from '../cli.testing';

jest.setTimeout(120_000);

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
const K = 6;
const images = embeddings(80, DIM, 1);
const idText = embeddings(K, DIM, 2);
const negText = embeddings(43, DIM, 3);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'negmine-detector-cli-'));
  writeNpy('images.npy', images, [80, DIM]);
  writeNpy('calib.npy', images.subarray(0, 40 * DIM), [40, DIM]);
  writeNpy('id.npy', idText, [K, DIM]);
  writeNpy('neg.npy', negText, [43, DIM]);
  writeNpy(
    'perm.npy',
    BigInt64Array.from({ length: 40 }, (_, i) => BigInt((i * 7) % 40)),
    [40],
  );
  writeNpy('narrow.npy', embeddings(3, 8, 4), [3, 8]);
  const nan = embeddings(2, DIM, 5);
  nan[3] = Number.NaN;
  writeNpy('nan.npy', nan, [2, DIM]);
  writeFileSync(file('labels.json'), JSON.stringify(Array.from({ length: K }, (_, i) => `class-${i}`)));
  writeFileSync(
    file('words.json'),
    JSON.stringify(Array.from({ length: 43 }, (_, i) => (i % 2 === 0 ? { word: `w${i}`, pos: 'noun' } : `w${i}`))),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXPORT = [
  '--id-emb',
  'id.npy',
  '--neg-emb',
  'neg.npy',
  '--labels',
  'labels.json',
  '--neg-words',
  'words.json',
  '--code-version',
  'test',
];
const at = (args: string[]): string[] => args.map((a) => (a.endsWith('.npy') || a.endsWith('.json') ? file(a) : a));

describe('negmine export-detector + detect', () => {
  it.each([
    ['debiased', ['--groups', '10', '--permutation', 'perm.npy']],
    ['neglabel', ['--groups', '10', '--seed', '4']],
    ['mcm', []],
  ])('%s: detect on the exported folder equals the library scores', async (method, extra) => {
    const out = file(`det-${method}`);
    const base =
      method === 'mcm' ? ['--id-emb', 'id.npy', '--labels', 'labels.json', '--code-version', 'test'] : EXPORT;
    const exported = await run([
      'export-detector',
      '--method',
      method,
      ...at([...base, ...extra]),
      '--calibrate-id',
      file('calib.npy'),
      '--tpr',
      '0.9',
      '--out',
      out,
    ]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const summary = JSON.parse(exported.stdout) as { threshold: number; achievedTpr: number; targetTpr: number };
    expect(summary.targetTpr).toBe(0.9);
    const manifest = JSON.parse(readFileSync(path.join(out, 'detector.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(manifest)).toEqual([
      'formatVersion',
      'method',
      'params',
      'threshold',
      'targetTpr',
      'achievedTpr',
      'calibration',
      'labels',
      'negatives',
      'embeddingDim',
      'modelHash',
      'onnxSha256',
      'codeVersion',
    ]);
    expect(manifest).toMatchObject({
      method,
      embeddingDim: DIM,
      modelHash: null,
      codeVersion: 'test',
      calibration: { size: 40 },
    });
    const detected = await run(['detect', '--detector', out, '--images', file('images.npy')]);
    expect(detected.code).toBe(0);
    const rows = (
      JSON.parse(detected.stdout) as {
        results: Array<{ score: number; isOod: boolean; predictedLabel: string; predictedClass: number }>;
      }
    ).results;
    const permutation =
      method === 'debiased' ? BigInt64Array.from({ length: 40 }, (_, i) => BigInt((i * 7) % 40)) : undefined;
    const params = method === 'mcm' ? {} : method === 'debiased' ? { groups: 10 } : { groups: 10, seed: 4 };
    const library = await scoringMethod(method).score(
      { data: images, rows: 80, cols: DIM },
      { data: idText, rows: K, cols: DIM },
      method === 'mcm' ? undefined : { data: negText, rows: 43, cols: DIM },
      params,
      { permutation },
    );
    rows.forEach((r, i) => {
      expect(Math.abs(r.score - library.scores[i]!) / Math.abs(library.scores[i]!)).toBeLessThan(1e-5);
      expect(r.isOod).toBe(r.score < summary.threshold);
      expect(r.predictedLabel).toBe(`class-${r.predictedClass}`);
    });
    const idAccepted = rows.slice(0, 40).filter((r) => !r.isOod).length / 40;
    expect(idAccepted).toBe(summary.achievedTpr);

    const written = await run([
      'detect',
      '--detector',
      out,
      '--images',
      file('images.npy'),
      '--out',
      file(`${method}-scores.npy`),
    ]);
    expect(written.code).toBe(0);
    expect(Array.from(readNpy(file(`${method}-scores.npy`)).data as Float32Array)).toEqual(
      rows.map((r) => Math.fround(r.score)),
    );
    expect(Array.from(readNpy(file(`${method}-scores.is_ood.npy`)).data as Uint8Array)).toEqual(
      rows.map((r) => (r.isOod ? 1 : 0)),
    );
    expect(Array.from(readNpy(file(`${method}-scores.predicted_class.npy`)).data as BigInt64Array, Number)).toEqual(
      rows.map((r) => r.predictedClass),
    );
  });

  it('writes byte-identical files for the same inputs', async () => {
    const args = [
      'export-detector',
      '--method',
      'debiased',
      ...at([...EXPORT, '--groups', '10', '--seed', '7']),
      '--calibrate-id',
      file('calib.npy'),
    ];
    expect((await run([...args, '--out', file('same-a')])).code).toBe(0);
    expect((await run([...args, '--out', file('same-b')])).code).toBe(0);
    for (const name of ['detector.onnx', 'detector.json'])
      expect(readFileSync(path.join(file('same-a'), name)).equals(readFileSync(path.join(file('same-b'), name)))).toBe(
        true,
      );
  });

  it.each([
    [['--method', 'adaneg', '--calibrate-id', 'calib.npy'], 'STREAM_ADAPTIVE_METHOD'],
    [['--method', 'mcm', '--calibrate-id', 'calib.npy', '--tpr', '1.2'], 'INVALID_PARAMETER'],
    [['--method', 'mcm', '--calibrate-id', 'narrow.npy'], 'SHAPE_MISMATCH'],
    [['--method', 'mcm', '--calibrate-id', 'nan.npy'], 'NON_FINITE_VALUE'],
    [['--method', 'mcm'], 'exactly one of --calibrate-id'],
    [['--method', 'mcm', '--calibrate-id', 'calib.npy', '--threshold', '0.5'], 'exactly one of --calibrate-id'],
    [['--method', 'mcm', '--threshold', '0.5', '--tpr', '0.9'], '--tpr needs --calibrate-id'],
    [['--method', 'mcm', '--threshold', '0.5', '--neg-words', 'words.json'], '--neg-words has no meaning for mcm'],
    [['--method', 'debiased', '--threshold', '0.5', '--labels', 'words.json'], '--labels'],
  ])('refuses %j with a message naming %s and writes nothing', async (args, message) => {
    const out = file(`refused-${Math.random().toString(36).slice(2)}`);
    const result = await run([
      'export-detector',
      ...at(['--id-emb', 'id.npy', '--neg-emb', 'neg.npy', ...args]),
      '--out',
      out,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(existsSync(out)).toBe(false);
  });

  it('detect refuses another width, NaN embeddings, and a detector.onnx that does not match its manifest', async () => {
    const out = file('det-check');
    expect(
      (
        await run([
          'export-detector',
          '--method',
          'mcm',
          '--id-emb',
          file('id.npy'),
          '--threshold',
          '0.2',
          '--out',
          out,
        ])
      ).code,
    ).toBe(0);
    const narrow = await run(['detect', '--detector', out, '--images', file('narrow.npy')]);
    expect(narrow).toMatchObject({ code: 2, stderr: expect.stringContaining(`d = ${DIM}`) });
    expect((await run(['detect', '--detector', out, '--images', file('nan.npy')])).stderr).toContain(
      'NON_FINITE_VALUE',
    );
    const onnx = readFileSync(path.join(out, 'detector.onnx'));
    onnx[onnx.length - 1] = onnx[onnx.length - 1]! ^ 1;
    writeFileSync(path.join(out, 'detector.onnx'), onnx);
    expect((await run(['detect', '--detector', out, '--images', file('images.npy')])).stderr).toContain(
      'do not belong together',
    );
    expect((await run(['detect', '--detector', file('nowhere'), '--images', file('images.npy')])).stderr).toContain(
      'detector.onnx is missing',
    );
  });
});

/** pipeline.onnx on preprocessed photos against the model's image embeddings through detector.onnx. */
async function expectPipelineMatches(modelDir: string, photos: readonly string[], workDir: string): Promise<void> {
  const model = await loadClipModel(modelDir, { towers: 'vision', intraOpThreads: 1 });
  const encoded = await model.image!.encodeFiles(photos);
  await model.dispose();
  const d = encoded.embeddingDim;
  writeFileSync(path.join(workDir, 'id.npy'), serializeNpy(embeddings(20, d, 9), [20, d]));
  writeFileSync(path.join(workDir, 'neg.npy'), serializeNpy(embeddings(60, d, 10), [60, d]));
  writeFileSync(path.join(workDir, 'photos.npy'), serializeNpy(encoded.embeddings, [photos.length, d]));
  const out = path.join(workDir, 'det');
  const exported = await run([
    'export-detector',
    '--method',
    'debiased',
    '--groups',
    '6',
    '--id-emb',
    path.join(workDir, 'id.npy'),
    '--neg-emb',
    path.join(workDir, 'neg.npy'),
    '--calibrate-id',
    path.join(workDir, 'photos.npy'),
    '--model',
    modelDir,
    '--out',
    out,
  ]);
  expect(exported.stderr).toBe('');
  expect(exported.code).toBe(0);
  const manifest = JSON.parse(readFileSync(path.join(out, 'detector.json'), 'utf8')) as { modelHash: string };
  expect(manifest.modelHash).toMatch(/^[0-9a-f]{64}$/);

  const runner = await DetectorRunner.load(new Uint8Array(readFileSync(path.join(out, 'detector.onnx'))));
  const expected = await runner.detect({ data: encoded.embeddings, rows: photos.length, cols: d });
  await runner.dispose();

  const spec = parsePreprocessorConfig(
    JSON.parse(readFileSync(path.join(modelDir, 'preprocessor_config.json'), 'utf8')),
  );
  const pixels = await Promise.all(
    photos.map(async (p) => preprocessImage(await decodeImageToRgb(new Uint8Array(readFileSync(p)), p), spec)),
  );
  const { height, width } = pixels[0]!;
  const batch = new Float32Array(photos.length * 3 * height * width);
  pixels.forEach((p, i) => batch.set(p.pixelValues, i * 3 * height * width));
  const session = await ort.InferenceSession.create(path.join(out, 'pipeline.onnx'));
  expect(session.inputNames).toEqual(['pixel_values']);
  const result = await session.run({
    pixel_values: new ort.Tensor('float32', batch, [photos.length, 3, height, width]),
  });
  await session.release();
  const score = result['score']!.data as Float32Array;
  for (let i = 0; i < photos.length; i++) {
    expect(Math.abs(score[i]! - expected.scores[i]!) / Math.abs(expected.scores[i]!)).toBeLessThan(1e-5);
    expect(Number((result['predicted_class']!.data as BigInt64Array)[i])).toBe(expected.predictedClass[i]);
    expect((result['is_ood']!.data as Uint8Array)[i] === 1).toBe(
      score[i]! <
        (JSON.parse(readFileSync(path.join(out, 'detector.json'), 'utf8')) as { threshold: number }).threshold,
    );
  }
}

describe('pipeline.onnx on the generated test model', () => {
  it.each(['separate', 'combined'] as const)(
    'equals embed-images + detector.onnx within 1e-5 (%s layout)',
    async (layout) => {
      const work = mkdtempSync(path.join(tmpdir(), `negmine-pipeline-${layout}-`));
      try {
        writeTinyClipModel(path.join(work, 'model'), { seed: 3, layout });
        const photos = await writeSyntheticImages(path.join(work, 'photos'), 6, { seed: 2 });
        await expectPipelineMatches(path.join(work, 'model'), photos, work);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
  );
});

describeWithSharedFixtures('clip', 'pipeline.onnx on the shared tiny CLIP model and photos', (clip) => {
  it('equals embed-images + detector.onnx within 1e-5', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'negmine-pipeline-shared-'));
    try {
      const photoDir = path.join(clip, 'golden', 'images');
      const photos = [
        'astronaut.png',
        'chelsea.png',
        'coffee.png',
        'rocket.jpg',
        'camera.png',
        'logo.png',
        'chelsea_portrait.png',
      ].map((n) => path.join(photoDir, n));
      await expectPipelineMatches(path.join(clip, 'tiny-clip'), photos, work);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
