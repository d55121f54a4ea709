// Corpus building on the tiny WordNet: documented order, deduplication, pools, templates, CSP, hash.
import { MiningError, MiningErrorCode } from '../errors';
import { tinyWordNetCorpus, tinyWordNetDatabase } from '../../testing';
import { buildWordNetCorpus, validateWordNetCorpusOptions } from './wordnet-corpus';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof MiningError) return error.code;
    throw error;
  }
  return undefined;
}

describe('buildWordNetCorpus', () => {
  it('builds the default pool in lexname-name order, first lemmas, first occurrence wins', () => {
    const corpus = tinyWordNetCorpus();
    expect(corpus.entries.map((e) => [e.word, e.lexname])).toEqual([
      ['red', 'adj.all'],
      ['galore', 'adj.all'],
      ['broken', 'adj.ppl'],
      ['entity', 'noun.Tops'],
      ['instrumentality', 'noun.artifact'],
      ['container', 'noun.artifact'],
      ['bottle', 'noun.artifact'],
      // noun.animal (fish, goldfish, dog) and adj.pert (solar) are excluded by default;
      // noun.object's 'container' is a duplicate of the artifact one.
      ['oak', 'noun.plant'],
    ]);
    expect(corpus.entries[5]).toEqual({
      word: 'container',
      pos: 'noun',
      lexname: 'noun.artifact',
      synsetOffset: 3000,
      promptRole: 'noun',
    });
  });

  it('renders the paper templates per role and records which prompts belong to which entry', () => {
    const corpus = tinyWordNetCorpus();
    expect(corpus.prompts.slice(0, 4)).toEqual([
      'This is a red photo',
      'This is a galore photo',
      'This is a broken photo',
      'the nice entity',
    ]);
    expect(Array.from(corpus.promptStart)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('gives several prompts per entry with several templates', () => {
    const corpus = tinyWordNetCorpus({
      templates: { id: ['a {}'], noun: ['a photo of a {}', 'the nice {}'], adj: ['This is a {} photo'] },
    });
    const bottle = corpus.entries.findIndex((e) => e.word === 'bottle');
    expect(corpus.prompts.slice(corpus.promptStart[bottle], corpus.promptStart[bottle + 1])).toEqual([
      'a photo of a bottle',
      'the nice bottle',
    ]);
    expect(corpus.promptStart[corpus.entries.length]).toBe(corpus.prompts.length);
  });

  it('takes every lemma with lemmas: all', () => {
    const words = tinyWordNetCorpus({ lemmas: 'all' }).entries.map((e) => e.word);
    expect(words).toEqual([
      'red',
      'galore',
      'abundant',
      'broken',
      'entity',
      'instrumentality',
      'container',
      'vessel',
      'bottle',
      'jar',
      'oak',
    ]);
  });

  it('honours include and exclude lists', () => {
    const db = tinyWordNetDatabase();
    expect(buildWordNetCorpus(db, { includeLexnames: ['noun.animal'] }).entries.map((e) => e.word)).toEqual([
      'fish',
      'goldfish',
      'dog',
    ]);
    expect(
      buildWordNetCorpus(db, {
        includeLexnames: ['noun.object', 'noun.artifact'],
        excludeLexnames: ['noun.artifact'],
      }).entries.map((e) => e.word),
    ).toEqual(['container']);
    expect(buildWordNetCorpus(db, { excludeLexnames: [] }).entries.map((e) => e.word)).toContain('solar');
  });

  it('rejects unknown lexicographer files, verb files and an empty pool with typed errors', () => {
    const db = tinyWordNetDatabase();
    expect(codeOf(() => buildWordNetCorpus(db, { includeLexnames: ['noun.artefact'] }))).toBe(
      MiningErrorCode.InvalidParameter,
    );
    expect(codeOf(() => buildWordNetCorpus(db, { excludeLexnames: ['verb.motion'] }))).toBe(
      MiningErrorCode.InvalidParameter,
    );
    expect(codeOf(() => buildWordNetCorpus(db, { includeLexnames: ['noun.time'] }))).toBe(MiningErrorCode.EmptyCorpus);
    expect(codeOf(() => buildWordNetCorpus(db, { templates: { id: ['{}'], noun: ['no slot'], adj: ['{}'] } }))).toBe(
      MiningErrorCode.InvalidParameter,
    );
  });

  it('validates options without any WordNet data, returning the chosen files in corpus order', () => {
    expect(validateWordNetCorpusOptions({ includeLexnames: ['noun.plant', 'adj.all', 'noun.Tops'] })).toEqual([
      'adj.all',
      'noun.Tops',
      'noun.plant',
    ]);
    expect(validateWordNetCorpusOptions()).toHaveLength(23);
    expect(codeOf(() => validateWordNetCorpusOptions({ includeLexnames: ['noun.artefact'] }))).toBe(
      MiningErrorCode.InvalidParameter,
    );
    expect(codeOf(() => validateWordNetCorpusOptions({ lemmas: 'some' as never }))).toBe(
      MiningErrorCode.InvalidParameter,
    );
    expect(
      codeOf(() => validateWordNetCorpusOptions({ templates: { id: ['{}'], noun: ['{}'], adj: ['{} {}'] } })),
    ).toBe(MiningErrorCode.InvalidParameter);
    expect(codeOf(() => validateWordNetCorpusOptions({ conjugation: { seed: 1, superclasses: [' '] } }))).toBe(
      MiningErrorCode.InvalidParameter,
    );
    expect(
      codeOf(() =>
        validateWordNetCorpusOptions({ includeLexnames: ['noun.animal'], excludeLexnames: ['noun.animal'] }),
      ),
    ).toBe(MiningErrorCode.EmptyCorpus);
  });

  it('conjugates adjectives with superclasses chosen by the seeded generator (CSP)', () => {
    const a = tinyWordNetCorpus({ conjugation: { seed: 7 } });
    const b = tinyWordNetCorpus({ conjugation: { seed: 7 } });
    const adjectives = a.entries.filter((e) => e.pos === 'adj');
    expect(adjectives).toHaveLength(3);
    for (const entry of adjectives) {
      expect(entry.conjugatedFrom).toBeDefined();
      expect(entry.word).toBe(`${entry.conjugatedFrom!.adjective} ${entry.conjugatedFrom!.superclass}`);
      expect(entry.promptRole).toBe('noun');
    }
    expect(a.entries).toEqual(b.entries);
    expect(a.prompts[0]).toBe(`the nice ${adjectives[0]!.word}`);
    const single = tinyWordNetCorpus({ conjugation: { seed: 1, superclasses: ['scene'] } });
    expect(single.entries.filter((e) => e.pos === 'adj').map((e) => e.word)).toEqual([
      'red scene',
      'galore scene',
      'broken scene',
    ]);
    expect(codeOf(() => tinyWordNetCorpus({ conjugation: { seed: 1, superclasses: [] } }))).toBe(
      MiningErrorCode.InvalidParameter,
    );
  });

  it('has a content hash that is stable and changes with entries or templates', () => {
    const base = tinyWordNetCorpus();
    expect(base.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(tinyWordNetCorpus().contentHash).toBe(base.contentHash);
    expect(tinyWordNetCorpus({ lemmas: 'all' }).contentHash).not.toBe(base.contentHash);
    expect(
      tinyWordNetCorpus({ templates: { id: ['the nice {}'], noun: ['a {}'], adj: ['This is a {} photo'] } })
        .contentHash,
    ).not.toBe(base.contentHash);
  });
});
