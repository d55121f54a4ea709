// Entry file of a detector thread (started by DetectorThread): loads one detector.onnx into an
// onnxruntime session and runs detect requests one at a time. onnxruntime-node's session.run is
// synchronous on the calling thread, so it runs here and the API's event loop keeps serving
// requests (and coalescing the next batch) meanwhile. Internal to the feature.
import { parentPort, workerData } from 'node:worker_threads';
import { DetectorRunner } from '@negmine/mining';
import { toThreadError } from '../../shared/thread-errors';
import type { DetectorThreadData, DetectorThreadReply, DetectorThreadRequest } from './detector-thread-protocol';

async function serve(): Promise<void> {
  const port = parentPort!;
  const { onnx, threads, chunkRows } = workerData as DetectorThreadData;
  const send = (reply: DetectorThreadReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
  let runner: DetectorRunner;
  try {
    // No busy-waiting between runs: single-embedding requests make many small runs, and spinning
    // intra-op threads took the cores the event loop serves them on (bench detect-api: about half of
    // the process's CPU per request).
    runner = await DetectorRunner.load(onnx, { threads, chunkRows, allowSpinning: false });
  } catch (error) {
    send({ kind: 'load-failed', error: toThreadError(error) });
    return;
  }
  send({ kind: 'ready', embeddingDim: runner.embeddingDim });
  port.on('message', (request: DetectorThreadRequest) => {
    if (request.kind === 'dispose') {
      void runner.dispose().finally(() => port.close());
      return;
    }
    runner.detect({ data: request.data, rows: request.rows, cols: request.cols }).then(
      (result) =>
        send({ kind: 'result', id: request.id, result }, [
          result.scores.buffer as ArrayBuffer,
          result.isOod.buffer as ArrayBuffer,
          result.predictedClass.buffer as ArrayBuffer,
          result.predictedProbability.buffer as ArrayBuffer,
        ]),
      (error: unknown) => send({ kind: 'error', id: request.id, error: toThreadError(error) }),
    );
  });
}

void serve();
