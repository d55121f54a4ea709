// ComputeThread: a detector built on the thread is byte-identical to one built in-process; a library
// error comes back as the same typed error; dispose lets a task in flight finish, then ends the
// thread (and the next task starts a fresh one).
import { buildDetector, type DetectorRequest } from '@negmine/mining';
import { ComputeThread, liveComputeThreads } from './compute-thread.client';

const DIM = 16;

function matrix(rows: number, seed: number): { data: Float32Array; rows: number; cols: number } {
  const data = Float32Array.from(
    { length: rows * DIM },
    (_, i) => Math.sin(seed * 3.1 + i * 0.7) + (i % DIM === (seed + Math.floor(i / DIM)) % DIM ? 1 : 0),
  );
  return { data, rows, cols: DIM };
}

/** A fresh request each time: buildDetector on the thread detaches the buffers of the matrices it is given. */
function request(): DetectorRequest {
  return {
    method: 'neglabel',
    idText: matrix(5, 1),
    negText: matrix(200, 2),
    threshold: { calibrationImages: matrix(30, 3), targetTpr: 0.9 },
    labels: ['a', 'b', 'c', 'd', 'e'],
    codeVersion: 'test',
    threads: 1,
  };
}

describe('ComputeThread', () => {
  const compute = new ComputeThread();

  afterAll(async () => {
    await compute.dispose();
  });

  it('builds the same detector as buildDetector in-process, with the matrices handed over', async () => {
    const handedOver = request();
    const onThread = compute.buildDetector(handedOver);
    expect(handedOver.idText.data.length).toBe(0);
    const inProcess = await buildDetector(request());
    const built = await onThread;
    expect(Buffer.from(built.onnxBytes).equals(Buffer.from(inProcess.onnxBytes))).toBe(true);
    expect(built.manifestJson).toBe(inProcess.manifestJson);
    expect(built.manifest.threshold).toBe(inProcess.manifest.threshold);
  });

  it('answers a library error as the same typed error', async () => {
    await expect(compute.buildDetector({ ...request(), method: 'adaneg' })).rejects.toMatchObject({
      name: 'MiningError',
      code: 'STREAM_ADAPTIVE_METHOD',
    });
  });

  it('finishes a task in flight on dispose, ends the thread, and starts a fresh one on the next task', async () => {
    const before = liveComputeThreads();
    const inFlight = compute.buildDetector(request());
    await compute.dispose();
    expect((await inFlight).manifest.method).toBe('neglabel');
    expect(liveComputeThreads()).toBe(before - 1);
    await compute.buildDetector(request());
    expect(liveComputeThreads()).toBe(before);
  });
});
