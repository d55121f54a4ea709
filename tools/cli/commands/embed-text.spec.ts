// `negmine embed-text` and `make-test-model` end to end through main() on a generated model:
// rows follow the input order, templates apply, JSON inputs keep tabs/newlines, bad input exits 2.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseNpy } from '@negmine/formats';
import { loadClipModel, type ClipModel } from '@negmine/encoders';
import { runCli as run } from '../cli.testing';
import { readTextInputs } from './embed-text';

// Model loading and image decoding share 2 CPU cores with other jobs: allow slow machines.
jest.setTimeout(60_000);

function readRows(file: string): { shape: readonly number[]; data: Float32Array } {
  const bytes = readFileSync(file);
  const array = parseNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  expect(array.dtype).toBe('float32');
  return { shape: array.shape, data: array.data as Float32Array };
}

let dir: string;
let modelDir: string;
let model: ClipModel;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'negmine-embed-text-'));
  modelDir = path.join(dir, 'model');
  const made = await run(['make-test-model', '--out', modelDir, '--seed', '4', '--dim', '16']);
  expect(made.code).toBe(0);
  expect(JSON.parse(made.stdout)).toMatchObject({ embeddingDim: 16 });
  model = await loadClipModel(modelDir, { towers: 'text' });
});

afterAll(async () => {
  await model.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('negmine embed-text', () => {
  it('embeds a line file in input order, with a template', async () => {
    const input = path.join(dir, 'labels.txt');
    writeFileSync(input, 'dog\r\ngolden retriever\n\ncat\n');
    // CR, a final newline and an empty line: the tokenizer would hide a stray '\r', so check the strings too.
    expect(readTextInputs(input)).toEqual(['dog', 'golden retriever', '', 'cat']);
    const out = path.join(dir, 'labels.npy');
    const result = await run([
      'embed-text',
      '--model',
      modelDir,
      '--in',
      input,
      '--out',
      out,
      '--template',
      'the nice {}',
      '--batch-size',
      '2',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({
      rows: 4,
      dim: 16,
      normalized: false,
      modelHash: model.contentHash,
    });
    const rows = readRows(out);
    expect(rows.shape).toEqual([4, 16]);
    const expected = await model.text!.encode([
      'the nice dog',
      'the nice golden retriever',
      'the nice ',
      'the nice cat',
    ]);
    expect(rows.data).toEqual(expected);
  });

  it('keeps JSON strings exactly, including tabs and newlines', async () => {
    const texts = ['a\tb', 'two\nlines', '  spaced  '];
    const input = path.join(dir, 'texts.json');
    writeFileSync(input, JSON.stringify(texts));
    // CLIP's tokenizer collapses and trims whitespace, so equal embeddings alone cannot show the strings were kept.
    expect(readTextInputs(input)).toEqual(texts);
    const out = path.join(dir, 'texts.npy');
    expect((await run(['embed-text', '--model', modelDir, '--in', input, '--out', out, '--normalize'])).code).toBe(0);
    expect(readRows(out).data).toEqual(await model.text!.encode(texts, { normalize: true }));
  });

  it('drops a leading UTF-8 byte-order mark from JSON and line files', () => {
    const json = path.join(dir, 'bom.json');
    writeFileSync(json, `\uFEFF${JSON.stringify(['dog', 'cat'])}`);
    expect(readTextInputs(json)).toEqual(['dog', 'cat']);
    const lines = path.join(dir, 'bom.txt');
    writeFileSync(lines, '\uFEFFdog\ncat\n');
    expect(readTextInputs(lines)).toEqual(['dog', 'cat']);
  });

  it('draws a progress bar only when stderr is a terminal', async () => {
    const input = path.join(dir, 'progress.txt');
    writeFileSync(input, 'dog\ncat\nbird\n');
    const { code, stderr } = await run(
      ['embed-text', '--model', modelDir, '--in', input, '--out', path.join(dir, 'progress.npy'), '--batch-size', '2'],
      { stderrIsTTY: true },
    );
    expect(code).toBe(0);
    expect(stderr).toContain('2/3 texts');
    expect(stderr).toContain('3/3 texts');
    expect(stderr.endsWith('\n')).toBe(true);
  });

  it('exits 2 with a clear message for bad input', async () => {
    const input = path.join(dir, 'bad.json');
    writeFileSync(input, JSON.stringify(['ok', 3]));
    const bad = await run(['embed-text', '--model', modelDir, '--in', input, '--out', path.join(dir, 'x.npy')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('item 1');
    const lines = path.join(dir, 'ok.txt');
    writeFileSync(lines, 'dog\n');
    const template = await run([
      'embed-text',
      '--model',
      modelDir,
      '--in',
      lines,
      '--out',
      path.join(dir, 'x.npy'),
      '--template',
      'no slot',
    ]);
    expect(template.code).toBe(2);
    expect(template.stderr).toContain("exactly one '{}'");
    const missingModel = await run([
      'embed-text',
      '--model',
      path.join(dir, 'nope'),
      '--in',
      lines,
      '--out',
      path.join(dir, 'x.npy'),
    ]);
    expect(missingModel.code).toBe(2);
    expect(missingModel.stderr).toContain('MISSING_FILE');
    // An unwritable --out is refused before the model loads (the model folder here does not exist).
    const noFolder = await run([
      'embed-text',
      '--model',
      path.join(dir, 'nope'),
      '--in',
      lines,
      '--out',
      path.join(dir, 'absent', 'x.npy'),
    ]);
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toContain(`--out ${path.join(dir, 'absent', 'x.npy')}: cannot write into`);
    const folderOut = await run(['embed-text', '--model', path.join(dir, 'nope'), '--in', lines, '--out', dir]);
    expect(folderOut.stderr).toContain('is a folder');
    const provider = await run([
      'embed-text',
      '--model',
      modelDir,
      '--in',
      lines,
      '--out',
      path.join(dir, 'x.npy'),
      '--execution-provider',
      'tpu',
    ]);
    expect([provider.code, provider.stderr]).toEqual([
      2,
      "negmine embed-text: --execution-provider must be one of cpu, cuda; got 'tpu'\n",
    ]);
  });
});
