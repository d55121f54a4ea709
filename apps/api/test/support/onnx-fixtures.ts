// Generated test inputs for ONNX-model specs: the tiny CLIP model of @negmine/encoders/testing and
// folders of synthetic images, written under a temporary root that the test config allows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeSyntheticImages, writeTinyClipModel } from '@negmine/encoders/testing';

export interface OnnxFixtures {
  readonly root: string;
  readonly modelDir: string;
  imageFolder(name: string, count: number, seed: number): Promise<string>;
  remove(): void;
}

export function createOnnxFixtures(): OnnxFixtures {
  const root = mkdtempSync(path.join(tmpdir(), 'negmine-api-test-'));
  const modelDir = path.join(root, 'models', 'tiny-clip');
  writeTinyClipModel(modelDir, { seed: 0 });
  return {
    root,
    modelDir,
    async imageFolder(name, count, seed) {
      const dir = path.join(root, 'images', name);
      await writeSyntheticImages(dir, count, { seed, minSide: 64, maxSide: 160 });
      return dir;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
