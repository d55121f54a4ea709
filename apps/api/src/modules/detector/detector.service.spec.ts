// DetectorService without a database: the session cache loads a detector once and a delete evicts
// it; bad input (two sources, batch over the maximum, wrong width, unknown id) is refused before
// anything runs.
import { buildDetector } from '@negmine/mining';
import { serializeNpy } from '@negmine/formats';
import { liveDetectorThreads } from './detector-thread.client';
import { DetectorService } from './detector.service';
import type { DetectorRepository } from './detector.repository';

const ID = '11111111-1111-4111-8111-111111111111';
const DIM = 8;

function matrix(rows: number, seed: number): { data: Float32Array; rows: number; cols: number } {
  const data = Float32Array.from(
    { length: rows * DIM },
    (_, i) => Math.sin(seed * 3.1 + i * 0.7) + (i % DIM === seed % DIM ? 1 : 0),
  );
  return { data, rows, cols: DIM };
}

const npy = (rows: number, cols = DIM) =>
  Buffer.from(serializeNpy(new Float32Array(rows * cols).fill(0.5), [rows, cols], 'float32')).toString('base64');

describe('DetectorService', () => {
  let onnxReads = 0;
  let deleted = false;
  let service: DetectorService;

  beforeAll(async () => {
    const built = await buildDetector({
      method: 'mcm',
      idText: matrix(3, 1),
      threshold: { value: 0.4 },
      labels: ['a', 'b', 'c'],
      codeVersion: 'test',
    });
    const repository = {
      onnx: async (id: string) => {
        onnxReads++;
        return id === ID && !deleted
          ? { onnx: built.onnxBytes, embeddingDim: DIM, labels: ['a', 'b', 'c'], modelId: 'm', modelHash: 'h' }
          : null;
      },
      delete: async (id: string) => {
        const was = id === ID && !deleted;
        deleted = true;
        return was;
      },
    } as unknown as DetectorRepository;
    const none = {} as never;
    service = new DetectorService(repository, none, none, none, none, none, none, none, {
      maxPageSize: 100,
      threads: 1,
      maxDetectBatch: 4,
      limits: { maxBodyBytes: 1 << 20 },
    });
  });

  it('loads a session once and scores with it; delete evicts it', async () => {
    const first = await service.detect(ID, { embeddings: { npyBase64: npy(2) } });
    const second = await service.detect(ID, { embeddings: { npyBase64: npy(3) } });
    expect(first.count).toBe(2);
    expect(second.results.map((r) => r.index)).toEqual([0, 1, 2]);
    expect(second.results.every((r) => ['a', 'b', 'c'].includes(r.predictedLabel) && r.isOod === r.score < 0.4)).toBe(
      true,
    );
    expect(onnxReads).toBe(1);
    expect(service.cachedSessions).toBe(1);
    await expect(service.detect(ID, { embeddings: { npyBase64: npy(5) } })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('at most 4'),
    });
    await expect(service.detect(ID, { embeddings: { npyBase64: npy(1, DIM + 1) } })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('width'),
    });
    await expect(service.detect(ID, { embeddings: { npyBase64: npy(1) }, imageSetId: ID })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
    await expect(service.delete(ID)).resolves.toBe(true);
    expect(service.cachedSessions).toBe(0);
    await expect(service.detect(ID, { embeddings: { npyBase64: npy(1) } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(service.delete(ID)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.detect('not-a-uuid', { embeddings: { npyBase64: npy(1) } })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });

  it('disposeAll ends every cached detector thread after its queued requests', async () => {
    deleted = false;
    const threadsBefore = liveDetectorThreads();
    const pending = service.detect(ID, { embeddings: { npyBase64: npy(2) } });
    await pending;
    expect(service.cachedSessions).toBe(1);
    expect(liveDetectorThreads()).toBe(threadsBefore + 1);
    const queued = service.detect(ID, { embeddings: { npyBase64: npy(3) } });
    await service.disposeAll();
    expect((await queued).count).toBe(3);
    expect(service.cachedSessions).toBe(0);
    expect(liveDetectorThreads()).toBe(threadsBefore);
  });
});
