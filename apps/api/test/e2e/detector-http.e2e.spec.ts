// POST /detectors/:id/detect end to end (keys mode): a binary .npy body answers what the detect
// mutation answers for the same rows (JSON, or the scores as .npy); concurrent requests, coalesced
// into shared runs, each get their own rows' results in order; the role is the mutation's
// (operator); bad input is the service's typed error as bounded JSON, and the body limit is the
// configured NEGMINE_MAX_BODY_BYTES.
import { buildDetector, type EmbeddingMatrix } from '@negmine/mining';
import { parseNpy, serializeNpy } from '@negmine/formats';
import { startSecurityApp, type SecurityApp } from '../security/security-app';
import { testConfig } from '../support/test-services';

const DIM = 16;
const MAX_BATCH = 64;
const MAX_BODY = 64 * 1024;
const LABELS = ['cat', 'dog', 'fox', 'owl'];

function matrix(rows: number, seed: number): EmbeddingMatrix {
  const data = Float32Array.from(
    { length: rows * DIM },
    (_, i) => Math.sin(seed * 1.7 + i * 0.37) + (i % DIM === seed % DIM ? 0.8 : 0),
  );
  return { data, rows, cols: DIM };
}

const npy = (m: EmbeddingMatrix) => serializeNpy(m.data, [m.rows, m.cols], 'float32');

interface Detection {
  index: number;
  score: number;
  isOod: boolean;
  predictedLabel: string;
  predictedClass: number;
  predictedProbability: number;
}
interface DetectBody {
  detectorId?: string;
  count?: number;
  results?: Detection[];
  errors?: { message: string; extensions: { code: string; reason?: string } }[];
}

/** Coalesced runs may differ from a run alone in the last float32 bits (see detect-batcher.spec.ts). */
function expectSameDetections(actual: Detection[], expected: Detection[]): void {
  expect(
    actual.map(({ index, isOod, predictedLabel, predictedClass }) => [index, isOod, predictedLabel, predictedClass]),
  ).toEqual(
    expected.map(({ index, isOod, predictedLabel, predictedClass }) => [index, isOod, predictedLabel, predictedClass]),
  );
  actual.forEach((detection, i) => {
    for (const field of ['score', 'predictedProbability'] as const) {
      const value = expected[i]![field];
      expect(Math.abs(detection[field] - value)).toBeLessThanOrEqual(4 * 2 ** -23 * Math.max(Math.abs(value), 1e-30));
    }
  });
}

describe('POST /detectors/:id/detect', () => {
  let app: SecurityApp;
  let detectorId: string;

  const detectHttp = async (
    body: Uint8Array | string,
    options: { key?: string; type?: string; accept?: string; id?: string } = {},
  ) => {
    const response = await fetch(`${app.base}/detectors/${options.id ?? detectorId}/detect`, {
      method: 'POST',
      headers: {
        'content-type': options.type ?? 'application/x-npy',
        ...(options.accept === undefined ? {} : { accept: options.accept }),
        ...(options.key === null ? {} : { authorization: `Bearer ${options.key ?? app.keys.operator}` }),
      },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    return response;
  };
  const json = async (response: Response) => (await response.json()) as DetectBody;

  beforeAll(async () => {
    app = await startSecurityApp({
      withKeys: true,
      config: { maxDetectBatch: MAX_BATCH, limits: { ...testConfig().limits, maxBodyBytes: MAX_BODY } },
    });
    const model = await app.services.prisma.encoderModel.create({
      data: { name: 'http space', kind: 'imported_space', embeddingDim: DIM, contentHash: 'http-space' },
      select: { id: true },
    });
    const labelSet = await app.services.prisma.labelSet.create({
      data: { name: 'http', labels: LABELS, promptTemplates: ['a photo of a {}.'] },
      select: { id: true },
    });
    const built = await buildDetector({
      method: 'neglabel',
      idText: matrix(LABELS.length, 1),
      negText: matrix(40, 2),
      params: { groups: 4 },
      threshold: { value: 0.5 },
      labels: LABELS,
      codeVersion: 'test',
    });
    const row = await app.services.prisma.detector.create({
      data: {
        name: 'http',
        method: 'neglabel',
        params: built.manifest.params as object,
        threshold: built.manifest.threshold,
        targetTpr: built.manifest.targetTpr,
        achievedTpr: built.manifest.achievedTpr,
        embeddingDim: DIM,
        modelId: model.id,
        modelHash: 'http-space',
        labelSetId: labelSet.id,
        labels: LABELS,
        negativeCount: 40,
        onnx: built.onnxBytes as Uint8Array<ArrayBuffer>,
        onnxSha256: built.manifest.onnxSha256,
        manifestJson: built.manifestJson,
        codeVersion: 'test',
      },
      select: { id: true },
    });
    detectorId = row.id;
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('answers what the detect mutation answers for the same rows (JSON, and the scores as .npy)', async () => {
    const images = matrix(10, 5);
    const graphql = await app.post(
      {
        query:
          'mutation($id: ID!, $npy: String!) { detect(detectorId: $id, input: { embeddings: { npyBase64: $npy } }) { detectorId count results { index score isOod predictedLabel predictedClass predictedProbability } } }',
        variables: { id: detectorId, npy: Buffer.from(npy(images)).toString('base64') },
      },
      { key: app.keys.operator },
    );
    expect(graphql.body.errors).toBeUndefined();
    const expected = (graphql.body.data as { detect: DetectBody }).detect;
    expect(expected.count).toBe(10);
    for (const type of ['application/x-npy', 'application/octet-stream']) {
      const response = await detectHttp(npy(images), { type });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await json(response);
      expect(body).toMatchObject({ detectorId, count: 10 });
      expectSameDetections(body.results!, expected.results!);
    }
    const asNpy = await detectHttp(npy(images), { accept: 'application/x-npy' });
    expect(asNpy.status).toBe(200);
    expect(asNpy.headers.get('content-type')).toMatch(/^application\/x-npy/);
    const scores = parseNpy(new Uint8Array(await asNpy.arrayBuffer()));
    expect(scores.shape).toEqual([10]);
    expect(scores.dtype).toBe('float32');
    expectSameDetections(
      expected.results!.map((d, i) => ({ ...d, score: Number(scores.data[i]) })),
      expected.results!,
    );
    // float64 rows are rounded to float32, the detector's input type.
    const float64 = await detectHttp(serializeNpy(Float64Array.from(images.data), [10, DIM], 'float64'));
    expectSameDetections((await json(float64)).results!, expected.results!);
  });

  it('gives each of 20 concurrent requests its own rows, in order, as if each ran alone', async () => {
    const requests = Array.from({ length: 20 }, (_, i) => matrix(1 + (i % 3), 100 + i));
    const alone: DetectBody[] = [];
    for (const images of requests) alone.push(await json(await detectHttp(npy(images))));
    const together = await Promise.all(requests.map(async (images) => json(await detectHttp(npy(images)))));
    together.forEach((body, i) => {
      expect(body.count).toBe(requests[i]!.rows);
      expectSameDetections(body.results!, alone[i]!.results!);
    });
  });

  it('needs an operator key, like Mutation.detect', async () => {
    const images = npy(matrix(1, 9));
    expect((await detectHttp(images, { key: null as unknown as string })).status).toBe(401);
    const viewer = await detectHttp(images, { key: app.keys.viewer });
    expect(viewer.status).toBe(403);
    expect((await json(viewer)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect((await detectHttp(images, { key: app.keys.admin })).status).toBe(200);
  });

  it('refuses bad input with the typed error of the service, as bounded JSON', async () => {
    const cases: [string, Response, number, string, RegExp][] = [
      [
        'wrong width',
        await detectHttp(serializeNpy(new Float32Array(DIM + 1).fill(1), [1, DIM + 1], 'float32')),
        400,
        'BAD_USER_INPUT',
        /width d = 16; got width 17/,
      ],
      [
        'empty',
        await detectHttp(serializeNpy(new Float32Array(0), [0, DIM], 'float32')),
        400,
        'BAD_USER_INPUT',
        /empty/,
      ],
      [
        'over the batch maximum',
        await detectHttp(npy(matrix(MAX_BATCH + 1, 3))),
        400,
        'BAD_USER_INPUT',
        /at most 64 per request/,
      ],
      ['not a .npy', await detectHttp(new TextEncoder().encode('not a npy file')), 400, 'BAD_USER_INPUT', /npy/i],
      [
        'JSON body',
        await detectHttp('{"rows":[]}', { type: 'application/json' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        /application\/x-npy/,
      ],
      [
        'over the body limit',
        await detectHttp(npy(matrix(Math.ceil(MAX_BODY / (4 * DIM)) + 1, 4))),
        413,
        'PAYLOAD_TOO_LARGE',
        /65536 bytes/,
      ],
      [
        'unknown id',
        await detectHttp(npy(matrix(1, 1)), { id: '00000000-0000-4000-8000-000000000000' }),
        404,
        'NOT_FOUND',
        /does not exist/,
      ],
      [
        'not an id',
        await detectHttp(npy(matrix(1, 1)), { id: 'nope' }),
        400,
        'BAD_USER_INPUT',
        /malformed; ids are UUIDs/,
      ],
    ];
    for (const [what, response, status, code, message] of cases) {
      const body = await json(response);
      expect({ what, status: response.status, code: body.errors?.[0]?.extensions.code }).toEqual({
        what,
        status,
        code,
      });
      expect(body.errors![0]!.message).toMatch(message);
      expect(body.errors![0]!.message.length).toBeLessThanOrEqual(300);
    }
    const nan = matrix(3, 6);
    nan.data[DIM * 2 + 1] = Number.NaN;
    const [bad, good] = await Promise.all([detectHttp(npy(nan)), detectHttp(npy(matrix(2, 7)))]);
    expect(bad.status).toBe(400);
    expect((await json(bad)).errors?.[0]).toMatchObject({
      message: expect.stringContaining('row 2'),
      extensions: { code: 'BAD_USER_INPUT', reason: 'NON_FINITE_VALUE' },
    });
    expect(good.status).toBe(200);
    expect((await json(good)).count).toBe(2);
  });
});
