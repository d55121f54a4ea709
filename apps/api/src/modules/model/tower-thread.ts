// Entry file of this process's tower thread (ClipModels): loads CLIP folders and runs their text
// and vision towers off the API's event loop. Models stay loaded for the next task (the two most
// recently used folders; each holds a model's weights, up to hundreds of MB). Internal to the feature.
import { workerData } from 'node:worker_threads';
import { loadClipModel, type ClipModel } from '@negmine/encoders';
import { createLogger } from '../../logger';
import { serveTasks, wholeBuffer, type TaskOutcome } from '../../shared/serve-tasks';
import { encodingLoadOptions } from './clip-model-settings';
import type { TowerTask, TowerThreadData } from './tower-thread-protocol';

const CACHED_MODELS = 2;

const { settings, logLevel } = workerData as TowerThreadData;
const logger = createLogger(logLevel);
/** Insertion-ordered: the first entry is the least recently used. */
const models = new Map<string, Promise<ClipModel>>();

function model(folder: string): Promise<ClipModel> {
  let loaded = models.get(folder);
  if (loaded !== undefined) models.delete(folder);
  else {
    loaded = loadClipModel(folder, { ...encodingLoadOptions(settings), logger });
    loaded.catch(() => models.delete(folder));
  }
  models.set(folder, loaded);
  while (models.size > CACHED_MODELS) {
    const oldest = models.keys().next().value!;
    const evicted = models.get(oldest)!;
    models.delete(oldest);
    void evicted.then((m) => m.dispose()).catch(() => undefined);
  }
  return loaded;
}

function textTower(loaded: ClipModel): NonNullable<ClipModel['text']> {
  if (loaded.text === undefined) throw new Error(`model ${loaded.dir} has no text tower`);
  return loaded.text;
}

function imageTower(loaded: ClipModel): NonNullable<ClipModel['image']> {
  if (loaded.image === undefined) throw new Error(`model ${loaded.dir} has no image tower`);
  return loaded.image;
}

async function run(task: TowerTask): Promise<TaskOutcome> {
  const loaded = await model(task.folder);
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
  await Promise.allSettled(all.map(async (m) => (await m).dispose()));
});
