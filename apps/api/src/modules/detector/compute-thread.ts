// Entry file of the detector feature's compute thread (started by ComputeThread): builds detectors,
// encodes uploaded image files and composes pipeline.onnx off the API's event loop. Vision towers
// are loaded once and kept for the next request (the two most recently used folders). Tasks run
// concurrently; each answers with its result or its typed error. Internal to the feature.
import { parentPort, workerData } from 'node:worker_threads';
import { loadClipModel, type ClipModel } from '@negmine/encoders';
import { buildDetector, composePipeline } from '@negmine/mining';
import type { ComputeReply, ComputeRequest, ComputeTask, ComputeThreadData } from './compute-thread-protocol';
import { toThreadError } from './detector-thread-protocol';

/** Vision towers kept loaded in the thread (each holds a model's weights: up to hundreds of MB). */
const CACHED_TOWERS = 2;

const { clip } = workerData as ComputeThreadData;
/** Insertion-ordered: the first entry is the least recently used. */
const towers = new Map<string, Promise<ClipModel>>();

function tower(folder: string): Promise<ClipModel> {
  let model = towers.get(folder);
  if (model !== undefined) towers.delete(folder);
  else {
    model = loadClipModel(folder, {
      towers: 'vision',
      intraOpThreads: clip.threads,
      executionProvider: clip.executionProvider,
      preprocessThreads: clip.preprocessThreads,
    });
    model.catch(() => towers.delete(folder));
  }
  towers.set(folder, model);
  while (towers.size > CACHED_TOWERS) {
    const oldest = towers.keys().next().value!;
    const evicted = towers.get(oldest)!;
    towers.delete(oldest);
    void evicted.then((m) => m.dispose()).catch(() => undefined);
  }
  return model;
}

/** The buffer under `view` when the view spans all of it (transferable without a copy), else none. */
function wholeBuffer(view: ArrayBufferView | undefined): ArrayBuffer[] {
  if (view === undefined || !(view.buffer instanceof ArrayBuffer)) return [];
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? [view.buffer] : [];
}

async function run(task: ComputeTask): Promise<{ value: unknown; transfer: ArrayBuffer[] }> {
  switch (task.kind) {
    case 'build-detector': {
      const built = await buildDetector(task.request);
      return { value: built, transfer: [...wholeBuffer(built.onnxBytes), ...wholeBuffer(built.calibrationScores)] };
    }
    case 'encode-image-files': {
      const encoded = await (await tower(task.folder)).image!.encodeFiles(task.files, {});
      return { value: encoded, transfer: wholeBuffer(encoded.embeddings) };
    }
    case 'compose-pipeline': {
      const bytes = composePipeline(task.tower, task.detector);
      return { value: bytes, transfer: wholeBuffer(bytes) };
    }
  }
}

const port = parentPort!;
port.on('message', (request: ComputeRequest) => {
  if (request.kind === 'dispose') {
    const models = [...towers.values()];
    towers.clear();
    void Promise.allSettled(models.map(async (m) => (await m).dispose())).finally(() => port.close());
    return;
  }
  run(request.task).then(
    ({ value, transfer }) => port.postMessage({ kind: 'done', id: request.id, value } as ComputeReply, transfer),
    (error: unknown) =>
      port.postMessage({ kind: 'failed', id: request.id, error: toThreadError(error) } satisfies ComputeReply),
  );
});
