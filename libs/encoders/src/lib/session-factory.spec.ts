// Execution-provider plumbing: what onnxruntime is asked for per provider (no GPU is needed to check
// it), and the typed error where the installed onnxruntime-node has no CUDA provider.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { writeTinyClipModel } from '../testing';
import { loadClipModel } from './clip-model';
import { EncodersErrorCode } from './errors';
import { DEFAULT_GPU_IMAGE_BATCH_SIZE, DEFAULT_IMAGE_BATCH_SIZE } from './image-encoder';
import { createTowerSession, ortSessionOptions } from './session-factory';

jest.setTimeout(60_000);

const cudaInstalled = ort.listSupportedBackends().some((b) => b.name === 'cuda' && b.bundled);

describe('execution providers', () => {
  it('asks for CUDA first with outputs in pinned memory (I/O binding), CPU as the fallback for unsupported ops', () => {
    const options = ortSessionOptions('cuda', 2);
    expect(options.executionProviders).toEqual([{ name: 'cuda', deviceId: 0 }, 'cpu']);
    expect(options.preferredOutputLocation).toBe('cpu-pinned');
    expect(options.intraOpNumThreads).toBe(2);
  });

  it('runs plain CPU sessions without output placement', () => {
    const options = ortSessionOptions('cpu', 0);
    expect(options.executionProviders).toEqual(['cpu']);
    expect(options.preferredOutputLocation).toBeUndefined();
  });

  it('defaults image batches to 16 on CPU and 256 on CUDA', () => {
    expect(DEFAULT_IMAGE_BATCH_SIZE).toBe(16);
    expect(DEFAULT_GPU_IMAGE_BATCH_SIZE).toBe(256);
  });

  it('rejects an unknown provider with a typed error', async () => {
    await expect(
      createTowerSession(new Uint8Array(0), 'x.onnx', { executionProvider: 'rocm' as never }),
    ).rejects.toMatchObject({ code: EncodersErrorCode.InvalidOption });
  });

  (cudaInstalled ? it.skip : it)(
    'names the providers this onnxruntime-node has when CUDA is asked for and absent',
    async () => {
      const root = mkdtempSync(path.join(tmpdir(), 'negmine-ep-'));
      try {
        const dir = writeTinyClipModel(path.join(root, 'tiny'), { seed: 1 }).dir;
        const bytes = readFileSync(path.join(dir, 'onnx', 'vision_model.onnx'));
        await expect(
          createTowerSession(bytes, 'vision_model.onnx', { executionProvider: 'cuda' }),
        ).rejects.toMatchObject({
          code: EncodersErrorCode.UnsupportedExecutionProvider,
          message: expect.stringContaining('provides: cpu'),
        });
        await expect(loadClipModel(dir, { towers: 'vision', executionProvider: 'cuda' })).rejects.toMatchObject({
          code: EncodersErrorCode.UnsupportedExecutionProvider,
        });
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );
});
