// Entry file of this process's tower thread (ClipModels): loads CLIP folders and runs their text
// and vision towers off the API's event loop. Models stay loaded for the next task (the two most
// recently used folders; each holds a model's weights, up to hundreds of MB); an evicted model that
// a task still uses is disposed when the last such task ends. Internal to the feature.
import { workerData } from 'node:worker_threads';
import { loadClipModel, type ClipModel } from '@negmine/encoders';
import { createLogger } from '../../logger';
import { serveTasks, wholeBuffer, type TaskOutcome } from '../../shared/serve-tasks';
import { encodingLoadOptions, inspectionLoadOptions } from './clip-model-settings';
import type { TowerTask, TowerThreadData } from './tower-thread-protocol';

const CACHED_MODELS = 2;

const { settings, logLevel } = workerData as TowerThreadData;
const logger = createLogger(logLevel);
interface Cached {
  readonly model: Promise<ClipModel>;
  /** Tasks using the model now: it is disposed only once none is (an evicted model finishes them first). */
  users: number;
  evicted: boolean;
}

/** Insertion-ordered: the first entry is the least recently used. */
const models = new Map<string, Cached>();

function disposeWhenIdle(entry: Cached): void {
  if (entry.evicted && entry.users === 0) void entry.model.then((m) => m.dispose()).catch(() => undefined);
}

/** The model of `folder` for one task; the task calls `release` when done with it. */
async function acquire(folder: string): Promise<{ model: ClipModel; release: () => void }> {
  let entry = models.get(folder);
  if (entry !== undefined) models.delete(folder);
  else {
    const model = loadClipModel(folder, { ...encodingLoadOptions(settings), logger });
    entry = { model, users: 0, evicted: false };
    const created = entry;
    model.catch(() => {
      if (models.get(folder) === created) models.delete(folder);
    });
  }
  models.set(folder, entry);
  entry.users++;
  const held = entry;
  const release = () => {
    held.users--;
    disposeWhenIdle(held);
  };
  while (models.size > CACHED_MODELS) {
    const oldest = models.keys().next().value!;
    const evicted = models.get(oldest)!;
    models.delete(oldest);
    evicted.evicted = true;
    disposeWhenIdle(evicted);
  }
  try {
    return { model: await held.model, release };
  } catch (error) {
    release();
    throw error;
  }
}

function textTower(loaded: ClipModel): NonNullable<ClipModel['text']> {
  if (loaded.text === undefined) throw new Error(`model ${loaded.dir} has no text tower`);
  return loaded.text;
}

function imageTower(loaded: ClipModel): NonNullable<ClipModel['image']> {
  if (loaded.image === undefined) throw new Error(`model ${loaded.dir} has no image tower`);
  return loaded.image;
}

/** A folder's identity, read with a model loaded for that alone (CPU, no preprocessing pool) and not kept. */
async function inspect(folder: string): Promise<TaskOutcome> {
  const model = await loadClipModel(folder, { ...inspectionLoadOptions(settings), logger });
  try {
    return { value: { contentHash: model.contentHash, embeddingDim: model.embeddingDim } };
  } finally {
    await model.dispose();
  }
}

async function run(task: TowerTask): Promise<TaskOutcome> {
  if (task.kind === 'inspect') return inspect(task.folder);
  const { model: loaded, release } = await acquire(task.folder);
  try {
    return await runOn(loaded, task);
  } finally {
    release();
  }
}

async function runOn(loaded: ClipModel, task: Exclude<TowerTask, { kind: 'inspect' }>): Promise<TaskOutcome> {
  switch (task.kind) {
    case 'describe':
      return {
        value: {
          contentHash: loaded.contentHash,
          embeddingDim: loaded.embeddingDim,
          centerCrop: loaded.image?.preprocessSpec.centerCrop,
        },
      };
    case 'encode-texts': {
      const vectors = await textTower(loaded).encode(task.texts);
      return { value: vectors, transfer: wholeBuffer(vectors) };
    }
    case 'encode-image-files': {
      const encoded = await imageTower(loaded).encodeFiles(task.files, {});
      return { value: encoded, transfer: wholeBuffer(encoded.embeddings) };
    }
    case 'encode-pixel-values': {
      const vectors = await imageTower(loaded).encodePixelValues(task.images);
      return { value: vectors, transfer: wholeBuffer(vectors) };
    }
  }
}

serveTasks(run, async () => {
  const all = [...models.values()];
  models.clear();
  await Promise.allSettled(all.map(async (entry) => (await entry.model).dispose()));
});
