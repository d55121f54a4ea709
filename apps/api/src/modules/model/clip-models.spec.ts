// The API's CLIP settings reach the encoders: execution provider, onnxruntime and preprocessing threads.
import { loadClipModel } from '@negmine/encoders';
import pino from 'pino';
import { ClipModels } from './clip-models';

jest.mock('@negmine/encoders', () => ({
  loadClipModel: jest.fn(async () => ({ contentHash: 'h', embeddingDim: 8, dispose: jest.fn(async () => undefined) })),
}));

const load = jest.mocked(loadClipModel);

describe('ClipModels', () => {
  beforeEach(() => load.mockClear());

  it('loads models for jobs with the configured execution provider and thread counts, once per folder', async () => {
    const models = new ClipModels(
      { threads: 3, executionProvider: 'cuda', preprocessThreads: 2 },
      pino({ level: 'silent' }),
    );
    await models.get('/models/a');
    await models.get('/models/a');
    expect(load).toHaveBeenCalledTimes(1);
    expect(load.mock.calls[0]?.[1]).toMatchObject({
      intraOpThreads: 3,
      executionProvider: 'cuda',
      preprocessThreads: 2,
    });
  });

  it('reads a folder identity on the CPU without a preprocessing pool', async () => {
    const models = new ClipModels(
      { threads: 3, executionProvider: 'cuda', preprocessThreads: 2 },
      pino({ level: 'silent' }),
    );
    await expect(models.inspect('/models/a')).resolves.toEqual({ contentHash: 'h', embeddingDim: 8 });
    expect(load.mock.calls[0]?.[1]).toMatchObject({
      intraOpThreads: 3,
      executionProvider: 'cpu',
      preprocessThreads: 0,
    });
  });
});
