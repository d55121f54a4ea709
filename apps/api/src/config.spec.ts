// Configuration parsing: defaults, overrides, and start-up errors that name the variable.
import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has documented defaults (port 4000, embedded database, data under the data dir)', () => {
    const config = loadConfig({ NEGMINE_DATA_DIR: '/srv/negmine' });
    expect(config).toMatchObject({
      port: 4000,
      databaseUrl: undefined,
      dataDir: '/srv/negmine',
      embeddedPgDir: '/srv/negmine/pg',
      imageRoots: ['/srv/negmine/images'],
      workerCount: 1,
      maxPageSize: 500,
      shardSize: 512,
    });
  });

  it('reads lists of roots and lets explicit overrides win', () => {
    const config = loadConfig({ NEGMINE_DATA_DIR: '/d', NEGMINE_IMAGE_ROOTS: '/a:/b', PORT: '8080' }, { port: 9090 });
    expect(config.imageRoots).toEqual(['/a', '/b']);
    expect(config.port).toBe(9090);
  });

  it.each([
    ['PORT', 'eighty', /PORT: 'eighty' is not accepted: expected an integer from 0 to 65535/],
    ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL: protocol 'mysql:' is not accepted/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL: is not a URL/],
    ['NEGMINE_WORKERS', '-1', /NEGMINE_WORKERS: '-1' is not accepted/],
    [
      'NEGMINE_IMAGE_ROOTS',
      'relative/path',
      /NEGMINE_IMAGE_ROOTS: 'relative\/path' is not accepted: expected an absolute path/,
    ],
    ['NEGMINE_SEED_DEMO', 'maybe', /NEGMINE_SEED_DEMO: 'maybe' is not accepted: expected true\/false/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: 'loud' is not accepted/],
    [
      'NEGMINE_EXECUTION_PROVIDER',
      'tpu',
      /NEGMINE_EXECUTION_PROVIDER: 'tpu' is not accepted: expected one of cpu, cuda/,
    ],
    [
      'NEGMINE_PREPROCESS_THREADS',
      '-2',
      /NEGMINE_PREPROCESS_THREADS: '-2' is not accepted: expected an integer from 0 to 256/,
    ],
  ])('stops on a bad %s naming the variable and the accepted form', (variable, value, message) => {
    const attempt = () => loadConfig({ NEGMINE_DATA_DIR: '/d', [variable]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('sizes onnxruntime and preprocessing threads from the cores and runs the towers on the CPU unless told', () => {
    const defaults = loadConfig({ NEGMINE_DATA_DIR: '/d' });
    expect(defaults).toMatchObject({
      threads: availableParallelism(),
      preprocessThreads: availableParallelism(),
      executionProvider: 'cpu',
    });
    const tuned = loadConfig({
      NEGMINE_DATA_DIR: '/d',
      NEGMINE_EXECUTION_PROVIDER: 'cuda',
      NEGMINE_PREPROCESS_THREADS: '0',
      NEGMINE_THREADS: '3',
    });
    expect(tuned).toMatchObject({ threads: 3, preprocessThreads: 0, executionProvider: 'cuda' });
  });

  it('requires the stale threshold to exceed the heartbeat interval', () => {
    expect(() =>
      loadConfig({ NEGMINE_DATA_DIR: '/d', NEGMINE_HEARTBEAT_SECONDS: '30', NEGMINE_STALE_AFTER_SECONDS: '20' }),
    ).toThrow(/NEGMINE_STALE_AFTER_SECONDS/);
  });
});

describe('error details', () => {
  it('exposes stack traces only in development and test, so `npm start` (NODE_ENV unset) is production', () => {
    expect(loadConfig({}).exposeErrorDetails).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).exposeErrorDetails).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).exposeErrorDetails).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).exposeErrorDetails).toBe(true);
  });
});
