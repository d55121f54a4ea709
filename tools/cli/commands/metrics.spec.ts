// `negmine metrics` end to end through main(): temp .npy files in, one JSON object out, and a
// clear exit-2 error for every kind of malformed input.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serializeNpy, type NpyData } from '@negmine/formats';
import { evaluate } from '@negmine/metrics';
import { runCli as run } from '../cli.testing';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'negmine-metrics-cli-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeBytes(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

function writeNpy(name: string, data: NpyData, shape: readonly number[] = [data.length]): string {
  return writeBytes(name, serializeNpy(data, shape));
}

/** Replaces an equal-length piece of the .npy header text (latin1) to forge a malformed file. */
function withHeaderEdit(bytes: Uint8Array, from: string, to: string): Uint8Array {
  expect(to).toHaveLength(from.length);
  const text = Buffer.from(bytes).toString('latin1');
  expect(text).toContain(from);
  return new Uint8Array(Buffer.from(text.replace(from, to), 'latin1'));
}

const idScores = new Float64Array([0.9, 0.8, 0.8, 0.7, 0.65, 0.6, 0.3, 0.95, 0.85, 0.75]);
const oodScores = new Float64Array([0.1, 0.2, 0.8, 0.7, 0.3, 0.4, 0.05]);

describe('negmine metrics', () => {
  it('prints exactly one JSON object with the metrics of evaluate()', async () => {
    const { code, stdout, stderr } = await run([
      'metrics',
      '--id',
      writeNpy('id.npy', idScores),
      '--ood',
      writeNpy('ood.npy', oodScores),
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const want = evaluate({ idScores, oodScores });
    expect(JSON.parse(lines[0]!)).toEqual({
      fprAtTprId: want.fprAtTprId,
      fprAtTprOod: want.fprAtTprOod,
      auroc: want.auroc,
      auprIn: want.auprIn,
      auprOut: want.auprOut,
      nId: 10,
      nOod: 7,
      thresholdAtTprId: want.thresholdAtTprId,
    });
  });

  it('reads float32 vectors and column vectors, and takes --recall', async () => {
    const id32 = Float32Array.from(idScores);
    const ood32 = Float32Array.from(oodScores);
    const { code, stdout } = await run([
      'metrics',
      '--id',
      writeNpy('id32.npy', id32, [10, 1]),
      '--ood',
      writeNpy('ood32.npy', ood32),
      '--recall',
      '0.5',
    ]);
    expect(code).toBe(0);
    const got = JSON.parse(stdout) as Record<string, number>;
    const want = evaluate({ idScores: id32, oodScores: ood32 }, { recall: 0.5 });
    expect(got['fprAtTprId']).toBe(want.fprAtTprId);
    expect(got['fprAtTprOod']).toBe(want.fprAtTprOod);
    expect(got['auroc']).toBe(want.auroc);
    expect(want.fprAtTprId).not.toBe(evaluate({ idScores: id32, oodScores: ood32 }).fprAtTprId);
  });

  it('documents every option in --help', async () => {
    const { code, stdout } = await run(['metrics', '--help']);
    expect(code).toBe(0);
    for (const flag of ['--id FILE', '--ood FILE', '--recall LEVEL', 'default: 0.95']) expect(stdout).toContain(flag);
  });

  describe('rejects with exit code 2, naming the problem and nothing on stdout', () => {
    const good = (): Uint8Array => serializeNpy(idScores, [idScores.length]);
    const cases: ReadonlyArray<[string, () => Uint8Array, RegExp]> = [
      [
        'a wrong magic string',
        () => {
          const bytes = good();
          bytes[1] = 0x58;
          return bytes;
        },
        /not a \.npy file/,
      ],
      [
        'an unsupported dtype (big-endian)',
        () => withHeaderEdit(good(), "'<f8'", "'>f8'"),
        /unsupported \.npy dtype '>f8'/,
      ],
      [
        'an integer dtype',
        () => serializeNpy(Int32Array.from([1, 2, 3]), [3]),
        /scores must be float32 or float64; got int32/,
      ],
      [
        'Fortran order',
        () =>
          withHeaderEdit(serializeNpy(new Float64Array(6), [3, 2]), "'fortran_order': False", "'fortran_order': True "),
        /Fortran order/,
      ],
      ['truncated data', () => good().subarray(0, good().length - 4), /truncated/],
      ['a matrix', () => serializeNpy(new Float64Array(6), [3, 2]), /1-D vector .* got shape \[3, 2\]/],
    ];
    it.each(cases)('%s', async (_title, bytes, message) => {
      const file = writeBytes('malformed.npy', bytes());
      const { code, stdout, stderr } = await run(['metrics', '--id', file, '--ood', writeNpy('ood-ok.npy', oodScores)]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr).toContain(file);
    });

    it('a NaN score, with its file, set and index', async () => {
      const bad = Float64Array.from(oodScores);
      bad[3] = Number.NaN;
      const file = writeNpy('nan.npy', bad);
      const { code, stdout, stderr } = await run(['metrics', '--id', writeNpy('id-ok.npy', idScores), '--ood', file]);
      expect([code, stdout]).toEqual([2, '']);
      expect(stderr).toContain(`--ood ${file}: [NON_FINITE_SCORE] ood score at index 3 is NaN`);
    });

    it('an empty vector', async () => {
      const file = writeNpy('empty.npy', new Float64Array(0));
      const { code, stderr } = await run(['metrics', '--id', file, '--ood', writeNpy('ood-ok.npy', oodScores)]);
      expect(code).toBe(2);
      expect(stderr).toContain('[EMPTY_SCORES] id scores are empty');
    });

    it('mixed dtypes', async () => {
      const { code, stderr } = await run([
        'metrics',
        '--id',
        writeNpy('id64.npy', idScores),
        '--ood',
        writeNpy('ood32b.npy', Float32Array.from(oodScores)),
      ]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/is float64 but --ood .* is float32; save both with the same dtype/);
    });

    it.each([
      [['--recall', '1.5'], /\[INVALID_RECALL\] recall must be a number in \(0, 1\]/],
      [['--recall', 'high'], /--recall must be a number; got 'high'/],
    ])('a bad recall %p', async (extra, message) => {
      const { code, stderr } = await run([
        'metrics',
        '--id',
        writeNpy('id-ok.npy', idScores),
        '--ood',
        writeNpy('ood-ok.npy', oodScores),
        ...extra,
      ]);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    });

    it('a missing file or option', async () => {
      expect(
        (await run(['metrics', '--id', path.join(dir, 'absent.npy'), '--ood', writeNpy('ood-ok.npy', oodScores)]))
          .stderr,
      ).toMatch(/cannot read .*absent\.npy/);
      const missing = await run(['metrics', '--id', writeNpy('id-ok.npy', idScores)]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('missing required option --ood');
    });
  });
});
