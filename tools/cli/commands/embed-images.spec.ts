// `negmine embed-images` end to end: folders walked, rows in sorted path order, failures listed in
// <out>.files.json, progress quiet when stderr is not a terminal.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseNpy } from '@negmine/formats';
import { loadClipModel } from '@negmine/encoders';
import { writeSyntheticImages, writeTinyClipModel } from '@negmine/encoders/testing';
import { runCli } from '../cli.testing';
import { EXECUTION_PROVIDER_ENV, collectImagePaths, filesJsonPath, withExecutionProvider } from './embed-images';

// Model loading and image decoding share 2 CPU cores with other jobs: allow slow machines.
jest.setTimeout(60_000);

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'negmine-embed-images-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('negmine embed-images', () => {
  it('writes rows in sorted path order and lists failures', async () => {
    const modelDir = path.join(dir, 'model');
    writeTinyClipModel(modelDir, { seed: 2, dim: 8 });
    const images = path.join(dir, 'images');
    const written = await writeSyntheticImages(path.join(images, 'b'), 3, { seed: 3, minSide: 64, maxSide: 200 });
    const more = await writeSyntheticImages(path.join(images, 'a'), 2, {
      seed: 4,
      minSide: 64,
      maxSide: 200,
      formats: ['webp'],
    });
    writeFileSync(path.join(images, 'a', 'broken.png'), 'not a png');
    writeFileSync(path.join(images, 'notes.txt'), 'ignored: not an image extension');
    const out = path.join(dir, 'emb.npy');
    const { code, stdout, stderr } = await runCli([
      'embed-images',
      '--model',
      modelDir,
      '--in',
      images,
      '--out',
      out,
      '--batch-size',
      '2',
    ]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ rows: 5, failed: 1, dim: 8 });

    const expectedOrder = [...more, ...written].sort();
    const listing = JSON.parse(readFileSync(filesJsonPath(out), 'utf8')) as {
      files: string[];
      failures: Array<{ path: string; reason: string }>;
    };
    expect(listing.files).toEqual(expectedOrder);
    expect(listing.failures.map((f) => f.path)).toEqual([path.join(images, 'a', 'broken.png')]);

    const bytes = readFileSync(out);
    const array = parseNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    expect(array.shape).toEqual([5, 8]);
    const model = await loadClipModel(modelDir, { towers: 'vision' });
    const direct = await model.image!.encodeFiles(expectedOrder);
    await model.dispose();
    const data = array.data as Float32Array;
    for (let i = 0; i < data.length; i++) expect(Math.abs(data[i]! - direct.embeddings[i]!)).toBeLessThanOrEqual(1e-5);
  });

  it('takes several paths after one --in, as a shell glob gives them, and documents it', async () => {
    const images = await writeSyntheticImages(path.join(dir, 'glob'), 3, { seed: 5, minSide: 64, maxSide: 96 });
    const out = path.join(dir, 'glob.npy');
    const { code } = await runCli([
      'embed-images',
      '--model',
      path.join(dir, 'model'),
      '--in',
      images[2]!,
      images[0]!,
      '--out',
      out,
      images[1]!,
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(filesJsonPath(out), 'utf8')).files).toEqual([...images].sort());
    const help = await runCli(['embed-images', '--help']);
    expect(help.stdout).toContain('--in FOLDER|FILE...');
  });

  it('follows symlinked files and folders, walks a link cycle once and keeps dangling image links', () => {
    const root = path.join(dir, 'links');
    const store = path.join(root, 'store');
    mkdirSync(path.join(store, 'sub'), { recursive: true });
    writeFileSync(path.join(store, 'sub', 'real.png'), '');
    const tree = path.join(root, 'tree');
    mkdirSync(tree);
    symlinkSync(path.join(store, 'sub', 'real.png'), path.join(tree, 'linked.png'));
    symlinkSync(path.join(store, 'sub'), path.join(tree, 'linked-folder'));
    symlinkSync(tree, path.join(tree, 'loop'));
    symlinkSync(path.join(store, 'absent.jpg'), path.join(tree, 'dangling.jpg'));
    symlinkSync(path.join(store, 'absent.txt'), path.join(tree, 'dangling.txt'));
    expect(collectImagePaths([tree])).toEqual(
      [
        path.join(tree, 'dangling.jpg'),
        path.join(tree, 'linked-folder', 'real.png'),
        path.join(tree, 'linked.png'),
      ].sort(),
    );
  });

  it('derives the listing name from the output name', () => {
    expect(filesJsonPath('/x/emb.npy')).toBe('/x/emb.files.json');
    expect(filesJsonPath('/x/emb')).toBe('/x/emb.files.json');
  });

  it('exits 2 when nothing to embed is found', async () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    const { code, stderr } = await runCli([
      'embed-images',
      '--model',
      path.join(dir, 'model'),
      '--in',
      empty,
      '--out',
      path.join(dir, 'e.npy'),
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('no image files found');
  });

  it('gives the same rows whether worker threads or the main thread preprocess, and reports the thread count', async () => {
    const modelDir = path.join(dir, 'model');
    const images = path.join(dir, 'images');
    const outputs: Float32Array[] = [];
    for (const threads of ['0', '2']) {
      const out = path.join(dir, `threads-${threads}.npy`);
      const { code, stdout } = await runCli([
        'embed-images',
        '--model',
        modelDir,
        '--in',
        images,
        '--out',
        out,
        '--preprocess-threads',
        threads,
        '--prefetch-batches',
        '1',
        '--batch-size',
        '2',
      ]);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({
        rows: 5,
        failed: 1,
        preprocessThreads: Number(threads),
        executionProvider: 'cpu',
      });
      const bytes = readFileSync(out);
      outputs.push(parseNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).data as Float32Array);
    }
    expect(Buffer.from(outputs[0]!.buffer).equals(Buffer.from(outputs[1]!.buffer))).toBe(true);
  });

  it('rejects bad thread and prefetch counts as usage errors', async () => {
    const base = [
      'embed-images',
      '--model',
      path.join(dir, 'model'),
      '--in',
      path.join(dir, 'images'),
      '--out',
      path.join(dir, 'bad.npy'),
    ];
    const threads = await runCli([...base, '--preprocess-threads=-1']);
    expect(threads.code).toBe(2);
    expect(threads.stderr).toContain('--preprocess-threads must be an integer >= 0');
    const prefetch = await runCli([...base, '--prefetch-batches', '0.5']);
    expect(prefetch.code).toBe(2);
    expect(prefetch.stderr).toContain('--prefetch-batches');
  });
});

describe('execution provider selection', () => {
  it('takes --execution-provider first, then NEGMINE_EXECUTION_PROVIDER, then cpu', () => {
    expect(
      withExecutionProvider({ 'execution-provider': 'cpu' }, { [EXECUTION_PROVIDER_ENV]: 'cuda' })[
        'execution-provider'
      ],
    ).toBe('cpu');
    expect(withExecutionProvider({}, { [EXECUTION_PROVIDER_ENV]: 'cuda' })['execution-provider']).toBe('cuda');
    expect(withExecutionProvider({}, {})['execution-provider']).toBe('cpu');
    expect(() => withExecutionProvider({}, { [EXECUTION_PROVIDER_ENV]: 'tpu' })).toThrow(
      `${EXECUTION_PROVIDER_ENV} must be one of cpu, cuda; got 'tpu'`,
    );
  });

  it('fails with UNSUPPORTED_EXECUTION_PROVIDER, naming what is installed, when CUDA is selected through the environment and absent', async () => {
    const saved = process.env[EXECUTION_PROVIDER_ENV];
    process.env[EXECUTION_PROVIDER_ENV] = 'cuda';
    try {
      const { code, stderr } = await runCli([
        'embed-images',
        '--model',
        path.join(dir, 'model'),
        '--in',
        path.join(dir, 'images'),
        '--out',
        path.join(dir, 'cuda.npy'),
      ]);
      // Where this onnxruntime-node has CUDA and a GPU, the run succeeds instead.
      if (code !== 0) {
        expect(code).toBe(2);
        expect(stderr).toContain('[UNSUPPORTED_EXECUTION_PROVIDER]');
        expect(stderr).toContain('provides: cpu');
      }
    } finally {
      if (saved === undefined) delete process.env[EXECUTION_PROVIDER_ENV];
      else process.env[EXECUTION_PROVIDER_ENV] = saved;
    }
  });
});
