// The generator is deterministic, learns a real merge list, and writes the full HF layout.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EncodersErrorCode } from '../lib/errors';
import { trainBpeMerges } from './bpe-trainer';
import { writeTinyClipModel } from './tiny-clip-model';

// Model loading and image decoding share 2 CPU cores with other jobs: allow slow machines.
jest.setTimeout(60_000);

describe('writeTinyClipModel', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'negmine-tiny-clip-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const bytesOf = (dir: string, file: string): Buffer => readFileSync(path.join(dir, file));

  it('writes the Hugging Face layout', () => {
    const info = writeTinyClipModel(path.join(root, 'a'), { seed: 7 });
    expect([...readdirSync(info.dir)].sort()).toEqual(
      [
        'config.json',
        'merges.txt',
        'onnx',
        'preprocessor_config.json',
        'special_tokens_map.json',
        'tokenizer.json',
        'tokenizer_config.json',
        'vocab.json',
      ].sort(),
    );
    expect(readdirSync(path.join(info.dir, 'onnx')).sort()).toEqual(['text_model.onnx', 'vision_model.onnx']);
    expect(info.vocabSize).toBe(512 + 300 + 2);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = writeTinyClipModel(path.join(root, 's1'), { seed: 11 });
    const b = writeTinyClipModel(path.join(root, 's1-again'), { seed: 11 });
    const c = writeTinyClipModel(path.join(root, 's2'), { seed: 12 });
    for (const file of a.files) expect(bytesOf(a.dir, file).equals(bytesOf(b.dir, file))).toBe(true);
    expect(bytesOf(a.dir, 'onnx/text_model.onnx').equals(bytesOf(c.dir, 'onnx/text_model.onnx'))).toBe(false);
    expect(bytesOf(a.dir, 'tokenizer.json').equals(bytesOf(c.dir, 'tokenizer.json'))).toBe(true);
  });

  it('rewrites a folder in the other layout without leaving the previous graphs behind', () => {
    const dir = path.join(root, 'relayout');
    writeTinyClipModel(dir, { seed: 1 });
    writeTinyClipModel(dir, { seed: 1, layout: 'combined' });
    expect(readdirSync(path.join(dir, 'onnx'))).toEqual(['model.onnx']);
    writeTinyClipModel(dir, { seed: 1 });
    expect(readdirSync(path.join(dir, 'onnx')).sort()).toEqual(['text_model.onnx', 'vision_model.onnx']);
  });

  it('rejects bad options with typed errors', () => {
    expect(() => writeTinyClipModel(path.join(root, 'bad'), { dim: 0 })).toThrow(
      expect.objectContaining({ code: EncodersErrorCode.InvalidOption }),
    );
    expect(() => writeTinyClipModel(path.join(root, 'bad'), { seed: 2 ** 31 })).toThrow(
      expect.objectContaining({ code: EncodersErrorCode.InvalidOption }),
    );
    expect(() => writeTinyClipModel(path.join(root, 'bad'), { imageSize: 100, patchSize: 32 })).toThrow(
      expect.objectContaining({ code: EncodersErrorCode.InvalidOption }),
    );
  });
});

describe('trainBpeMerges', () => {
  it('merges the most frequent pair first (ties by text) and marks word ends', () => {
    expect(trainBpeMerges(['hug', 'hug', 'pug', 'mug'], 1)).toEqual([['u', 'g</w>']]);
    expect(trainBpeMerges(['ab', 'cd'], 1)).toEqual([['a', 'b</w>']]);
  });

  it('stops when every word is one symbol and never produces a token twice', () => {
    const merges = trainBpeMerges(['abc', 'abc', 'xbc', 'ab'], 100);
    const tokens = merges.map(([a, b]) => a + b);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokens).toEqual(expect.arrayContaining(['abc</w>', 'xbc</w>', 'ab</w>']));
    expect(merges.length).toBeLessThan(10);
  });
});
