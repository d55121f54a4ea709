// `negmine corpus` end to end through main(): the default WordNet pool, include/exclude, custom
// lists, CSP conjugation, and exit-2 errors for bad flags.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli as run } from '../cli.testing';

let dir: string;
const file = (name: string): string => path.join(dir, name);
const readJson = (name: string): unknown => JSON.parse(readFileSync(file(name), 'utf8'));

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'negmine-corpus-cli-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('negmine corpus', () => {
  it("writes the paper's default WordNet 3.1 pool and its prompts", async () => {
    const { code, stdout, stderr } = await run([
      'corpus',
      '--out',
      file('corpus.json'),
      '--prompts-out',
      file('prompts.json'),
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const entries = readJson('corpus.json') as Array<{ word: string; pos: string; lexname: string }>;
    expect(entries).toHaveLength(57567);
    expect(entries[0]).toEqual({ word: 'able', pos: 'adj', lexname: 'adj.all' });
    expect(new Set(entries.map((e) => e.lexname))).not.toContain('noun.animal');
    const prompts = readJson('prompts.json') as string[];
    expect(prompts[0]).toBe('This is a able photo');
    expect(prompts).toHaveLength(57567);
    const summary = JSON.parse(stdout) as {
      count: number;
      contentHash: string;
      countsByLexname: Record<string, number>;
    };
    expect(summary.count).toBe(57567);
    expect(summary.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.countsByLexname['noun.artifact']).toBe(9695);
  }, 30_000);

  it('honours --include, --lemmas and the templates', async () => {
    const { code, stdout } = await run([
      'corpus',
      '--out',
      file('a.json'),
      '--include',
      'noun.artifact',
      '--lemmas',
      'all',
      '--noun-template',
      'a photo of a {}',
      '--noun-template',
      'the nice {}',
      '--prompts-out',
      file('ap.json'),
    ]);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as { count: number; promptsPerEntry: number };
    expect(summary.promptsPerEntry).toBe(2);
    expect((readJson('ap.json') as string[]).length).toBe(summary.count * 2);
    expect((readJson('a.json') as Array<{ lexname: string }>).every((e) => e.lexname === 'noun.artifact')).toBe(true);
  }, 30_000);

  it('rebuilds a custom list, conjugating adjectives with a seed (CSP)', async () => {
    writeFileSync(
      file('custom.json'),
      JSON.stringify([
        { word: 'lamp', pos: 'noun' },
        { word: 'shiny', pos: 'adj' },
        { word: 'lamp', pos: 'noun' },
      ]),
    );
    const args = ['corpus', '--corpus', file('custom.json'), '--conjugate-seed', '3', '--superclass', 'scene'];
    expect((await run([...args, '--out', file('c1.json')])).code).toBe(0);
    expect(readJson('c1.json')).toEqual([
      { word: 'lamp', pos: 'noun' },
      { word: 'shiny scene', pos: 'adj' },
    ]);
  });

  it.each<[string, string[], RegExp]>([
    [
      'an unknown lexicographer file',
      ['--include', 'noun.artefact'],
      /\[INVALID_PARAMETER\] includeLexnames: 'noun.artefact' is not a WordNet noun or adjective lexicographer file/,
    ],
    ['a bad --lemmas', ['--lemmas', 'some'], /--lemmas must be 'first' or 'all'/],
    ['a template without a slot', ['--adj-template', 'a photo'], /must contain exactly one '\{\}'/],
    ['--superclass without a seed', ['--superclass', 'scene'], /--superclass needs --conjugate-seed/],
    ['an empty pool', ['--include', 'noun.animal', '--exclude', 'noun.animal'], /\[EMPTY_CORPUS\]/],
    [
      'a --prompts-out in a missing folder',
      ['--prompts-out', path.join(tmpdir(), 'negmine-absent-folder', 'p.json')],
      /--prompts-out .*negmine-absent-folder.*: cannot write into/,
    ],
  ])(
    'rejects %s with exit code 2',
    async (_, flags, message) => {
      const { code, stderr } = await run(['corpus', '--out', file('bad.json'), ...flags]);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    },
    30_000,
  );
});
