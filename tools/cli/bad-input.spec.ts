// The CLI's bad inputs, table-driven: broken, truncated and non-.npy files, wrong dtypes, ranks,
// widths, NaN, empty arrays, invalid and out-of-range parameters, unknown commands, flags and
// methods, corrupt model folders and ONNX files, folders of undecodable images. Each one exits 2
// with one bounded line that names what is wrong and what is accepted, and writes no output file.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serializeNpy } from '@negmine/formats';
import { runCli } from './cli.testing';

let dir: string;
const file = (name: string): string => path.join(dir, name);

/** Deterministic values in [-1, 1) (a linear congruential stream). */
function embeddings(rows: number, cols: number, seed: number): Float32Array {
  const data = new Float32Array(rows * cols);
  let state = seed;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 31 - 1;
  }
  return data;
}

const OUTPUTS = ['out.npy', 'detector', 'embedded.npy'];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'negmine-cli-bad-input-'));
  const npy = (name: string, data: Float32Array | Float64Array | Int32Array, shape: number[]) =>
    writeFileSync(file(name), serializeNpy(data, shape));
  npy('id.npy', embeddings(5, 16, 1), [5, 16]);
  npy('neg.npy', embeddings(43, 16, 2), [43, 16]);
  npy('images.npy', embeddings(30, 16, 3), [30, 16]);
  npy('wide.npy', embeddings(30, 17, 3), [30, 17]);
  const withNaN = embeddings(30, 16, 3);
  withNaN[7] = Number.NaN;
  npy('nan.npy', withNaN, [30, 16]);
  npy('vector.npy', embeddings(1, 16, 3), [16]);
  npy('ints.npy', Int32Array.from([1, 2, 3, 4]), [2, 2]);
  npy('empty.npy', new Float32Array(0), [0, 16]);
  npy('scores64.npy', Float64Array.from([1, 2, 3]), [3]);
  npy('scores32.npy', Float32Array.from([1, 2, 3]), [3]);
  npy('nan-scores.npy', Float64Array.from([1, Number.NaN, 3]), [3]);
  const whole = Buffer.from(serializeNpy(embeddings(30, 16, 3), [30, 16]));
  writeFileSync(file('truncated.npy'), whole.subarray(0, whole.length - 100));
  writeFileSync(file('broken.npy'), Buffer.from('\x93NUMPY\x01\x00garbage'));
  writeFileSync(file('text.npy'), 'hello');
  writeFileSync(
    file('corpus.json'),
    JSON.stringify(Array.from({ length: 43 }, (_, i) => ({ word: `w${i}`, pos: i % 2 === 0 ? 'noun' : 'adj' }))),
  );
  writeFileSync(file('corpus-broken.json'), '{"word": 1');
  writeFileSync(file('lines.txt'), 'cat\ndog\n');
  mkdirSync(file('empty-folder'));
  mkdirSync(file('undecodable'));
  writeFileSync(file('undecodable/a.jpg'), 'not a jpeg');
  writeFileSync(file('undecodable/b.png'), '');
  mkdirSync(file('no-preprocessor/onnx'), { recursive: true });
  writeFileSync(file('no-preprocessor/onnx/vision_model.onnx'), 'garbage');
  writeFileSync(file('no-preprocessor/onnx/text_model.onnx'), 'garbage');
  mkdirSync(file('corrupt-onnx/onnx'), { recursive: true });
  writeFileSync(file('corrupt-onnx/onnx/vision_model.onnx'), 'garbage');
  writeFileSync(file('corrupt-onnx/config.json'), '{}');
  writeFileSync(
    file('corrupt-onnx/preprocessor_config.json'),
    JSON.stringify({ crop_size: 224, size: 224, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] }),
  );
  expect((await runCli(['make-test-model', '--out', file('model'), '--dim', '16'])).code).toBe(0);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  readonly name: string;
  readonly args: () => string[];
  /** What the one error line must say. */
  readonly message: RegExp;
}

const score = (images: string, extra: string[] = [], idEmb = 'id.npy'): string[] => [
  'score',
  '--method',
  'neglabel',
  '--id-emb',
  file(idEmb),
  '--neg-emb',
  file('neg.npy'),
  '--images',
  file(images),
  '--out',
  file('out.npy'),
  ...extra,
];
const select = (method: string, extra: string[], corpus = 'corpus.json'): string[] => [
  'select',
  '--method',
  method,
  '--corpus',
  file(corpus),
  '--corpus-emb',
  file('neg.npy'),
  '--id-emb',
  file('id.npy'),
  '--out',
  file('out.npy'),
  ...extra,
];
const exportDetector = (extra: string[], method = 'mcm'): string[] => [
  'export-detector',
  '--method',
  method,
  '--id-emb',
  file('id.npy'),
  '--neg-emb',
  file('neg.npy'),
  '--out',
  file('detector'),
  ...extra,
];
const embedImages = (model: string, input: string, extra: string[] = []): string[] => [
  'embed-images',
  '--model',
  file(model),
  '--in',
  file(input),
  '--out',
  file('embedded.npy'),
  ...extra,
];

const CASES: readonly Case[] = [
  { name: 'unknown command', args: () => ['nope'], message: /unknown command 'nope'\. Known commands: metrics, score/ },
  {
    name: 'unknown flag',
    args: () => score('images.npy', ['--bogus', '1']),
    message: /Unknown option '--bogus'[\s\S]*--help/,
  },
  { name: 'missing required flag', args: () => ['score', '--method', 'mcm'], message: /missing required option --/ },
  { name: 'missing file', args: () => score('none.npy'), message: /cannot read .*none\.npy: ENOENT/ },
  { name: 'npy: broken header', args: () => score('broken.npy'), message: /not a \.npy file: it must start with/ },
  { name: 'npy: not an npy file', args: () => score('text.npy'), message: /not a \.npy file/ },
  {
    name: 'npy: truncated data',
    args: () => score('truncated.npy'),
    message: /truncated: shape \[30, 16\].*needs 1920 bytes, found 1820/,
  },
  {
    name: 'npy: int32 embeddings',
    args: () => score('images.npy', [], 'ints.npy'),
    message: /must be float32 or float64; got int32/,
  },
  {
    name: 'npy: 1-D embeddings',
    args: () => score('vector.npy'),
    message: /non-empty 2-D array \(rows × d\); got shape \[16\]/,
  },
  { name: 'npy: no rows', args: () => score('empty.npy'), message: /non-empty 2-D array.*got shape \[0, 16\]/ },
  {
    name: 'npy: width mismatch',
    args: () => score('wide.npy'),
    message: /\[SHAPE_MISMATCH\].*dimension 16.*17.*must share d/,
  },
  {
    name: 'npy: NaN in embeddings',
    args: () => score('nan.npy'),
    message: /\[NON_FINITE_VALUE\].*NaN.*must be finite/,
  },
  {
    name: 'unknown scoring method',
    args: () => score('images.npy', ['--method', 'nope']),
    message: /\[UNKNOWN_METHOD\].*accepted: mcm, neglabel, debiased, adaneg, tanl/,
  },
  {
    name: 'temperature 0',
    args: () => score('images.npy', ['--method', 'debiased', '--temperature', '0']),
    message: /\[INVALID_PARAMETER\].*temperature must be \(0, ∞\); got 0/,
  },
  {
    name: 'more groups than negatives',
    args: () => score('images.npy', ['--groups', '44']),
    message: /\[INVALID_PARAMETER\] groups must be an integer in \[1, N\] where N = 43.*got 44/,
  },
  {
    name: 'tau over 1',
    args: () => score('images.npy', ['--method', 'debiased', '--tau', '1.5']),
    message: /tau must be \(0, 1\]; got 1\.5/,
  },
  {
    name: '--param without a value',
    args: () => score('images.npy', ['--param', 'nothing']),
    message: /--param takes NAME=VALUE/,
  },
  {
    name: 'select: k 0',
    args: () => select('knn-density', ['--k', '0']),
    message: /k must be an integer with 1 ≤ k < N = 43.*got 0/,
  },
  { name: 'select: k >= corpus', args: () => select('knn-density', []), message: /1 ≤ k < N = 43.*got 100/ },
  {
    name: 'select: keepNoun 0',
    args: () => select('neglabel', ['--keep-noun', '0']),
    message: /keepNoun must be a fraction in \(0, 1\]; got 0/,
  },
  {
    name: 'select: corpus not JSON',
    args: () => select('neglabel', [], 'corpus-broken.json'),
    message: /is not valid JSON/,
  },
  {
    name: 'select: unknown strategy',
    args: () => select('random', []),
    message: /random.*knn-density.*neglabel|knn-density.*neglabel.*random/,
  },
  {
    name: 'metrics: dtypes differ',
    args: () => ['metrics', '--id', file('scores64.npy'), '--ood', file('scores32.npy')],
    message: /is float64 but --ood .* is float32; save both with the same dtype/,
  },
  {
    name: 'metrics: NaN score',
    args: () => ['metrics', '--id', file('nan-scores.npy'), '--ood', file('scores64.npy')],
    message: /\[NON_FINITE_SCORE\] id score at index 1 is NaN/,
  },
  {
    name: 'metrics: recall over 1',
    args: () => ['metrics', '--id', file('scores64.npy'), '--ood', file('scores64.npy'), '--recall', '1.5'],
    message: /\[INVALID_RECALL\] recall must be a number in \(0, 1\]/,
  },
  {
    name: 'metrics: 2-D scores',
    args: () => ['metrics', '--id', file('images.npy'), '--ood', file('scores64.npy')],
    message: /scores must be a 1-D vector.*got shape \[30, 16\]/,
  },
  {
    name: 'export-detector: stream-adaptive method',
    args: () => exportDetector(['--threshold', '0'], 'adaneg'),
    message: /\[STREAM_ADAPTIVE_METHOD\].*accepted: mcm, neglabel, debiased/,
  },
  {
    name: 'export-detector: tpr 1',
    args: () => exportDetector(['--calibrate-id', file('images.npy'), '--tpr', '1']),
    message: /target ID TPR must be a number in \(0, 1\).*got 1/,
  },
  {
    name: 'export-detector: neither calibration nor threshold',
    args: () => exportDetector([]),
    message: /exactly one of --calibrate-id/,
  },
  {
    name: 'export-detector: both calibration and threshold',
    args: () => exportDetector(['--calibrate-id', file('images.npy'), '--threshold', '0.5']),
    message: /exactly one of --calibrate-id/,
  },
  {
    name: 'detect: folder without detector.onnx',
    args: () => ['detect', '--detector', file('empty-folder'), '--images', file('images.npy')],
    message: /detector\.onnx is missing; a detector folder holds detector\.onnx and detector\.json/,
  },
  {
    name: 'embed-images: no model folder',
    args: () => embedImages('none', 'undecodable'),
    message: /\[MISSING_FILE\] model folder .* does not exist/,
  },
  {
    name: 'embed-images: no preprocessor config',
    args: () => embedImages('no-preprocessor', 'undecodable'),
    message: /\[MISSING_FILE\].*has no preprocessor_config\.json/,
  },
  {
    name: 'embed-images: corrupt ONNX file',
    args: () => embedImages('corrupt-onnx', 'undecodable'),
    message: /\[CORRUPT_FILE\].*vision_model\.onnx is not a loadable ONNX model/,
  },
  {
    name: 'embed-text: no tokenizer',
    args: () => [
      'embed-text',
      '--model',
      file('no-preprocessor'),
      '--in',
      file('lines.txt'),
      '--out',
      file('embedded.npy'),
    ],
    message: /has no tokenizer; accepted: tokenizer\.json, vocab\.json \+ merges\.txt/,
  },
  {
    name: 'embed-images: batch size 0',
    args: () => embedImages('model', 'undecodable', ['--batch-size', '0']),
    message: /--batch-size must be a positive integer; got 0/,
  },
  {
    name: 'embed-images: unknown execution provider',
    args: () => embedImages('model', 'undecodable', ['--execution-provider', 'tpu']),
    message: /--execution-provider must be one of cpu, cuda; got 'tpu'/,
  },
  {
    name: 'embed-images: only undecodable files',
    args: () => embedImages('model', 'undecodable'),
    message: /\[NO_DECODABLE_IMAGES\] none of the 2 image files could be decoded.*a\.jpg \(IMAGE_DECODE_FAILED\)/,
  },
  {
    name: 'embed-images: empty folder',
    args: () => embedImages('model', 'empty-folder'),
    message: /no image|image files/i,
  },
];

describe('CLI bad input (table-driven)', () => {
  it('has at least 35 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(35);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { code, stdout, stderr } = await runCli(c.args());
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(c.message);
    expect(stderr.length).toBeLessThan(600);
    expect(stderr).not.toMatch(/\n\s+at /);
    for (const output of OUTPUTS) expect(existsSync(file(output))).toBe(false);
  });
});
