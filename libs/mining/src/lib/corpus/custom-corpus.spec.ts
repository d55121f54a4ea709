// Custom corpora replacing WordNet: order kept, duplicates dropped, bad items rejected with typed errors.
import { MiningError, MiningErrorCode } from '../errors';
import { idLabelPrompts } from './candidate-corpus';
import { buildCustomCorpus, type CustomCorpusItem } from './custom-corpus';

describe('buildCustomCorpus', () => {
  it('keeps the given order of parts of speech and drops later duplicates', () => {
    const corpus = buildCustomCorpus([
      { word: 'shiny', pos: 'adj' },
      { word: 'lamp', pos: 'noun', lexname: 'noun.artifact' },
      { word: 'shiny', pos: 'noun' },
    ]);
    expect(corpus.entries).toEqual([
      { word: 'shiny', pos: 'adj', promptRole: 'adj' },
      { word: 'lamp', pos: 'noun', lexname: 'noun.artifact', promptRole: 'noun' },
    ]);
    expect(corpus.prompts).toEqual(['This is a shiny photo', 'the nice lamp']);
    expect(corpus.provenance).toMatchObject({ source: 'custom' });
  });

  it('keeps a noun whose adjective twin is conjugated (CSP), but still one entry per word without conjugation', () => {
    const items = [
      { word: 'red', pos: 'adj' },
      { word: 'red', pos: 'noun' },
      { word: 'red', pos: 'adj' },
    ];
    expect(buildCustomCorpus(items).entries.map((e) => [e.word, e.pos])).toEqual([['red', 'adj']]);
    const conjugated = buildCustomCorpus(items, { conjugation: { seed: 1, superclasses: ['scene'] } });
    expect(conjugated.entries.map((e) => [e.word, e.pos])).toEqual([
      ['red scene', 'adj'],
      ['red', 'noun'],
    ]);
  });

  it('hashes equal lists equally', () => {
    const items = [{ word: 'lamp', pos: 'noun' }];
    expect(buildCustomCorpus(items).contentHash).toBe(buildCustomCorpus([...items]).contentHash);
    expect(buildCustomCorpus(items).contentHash).not.toBe(
      buildCustomCorpus([{ word: 'lamp ', pos: 'noun' }]).contentHash,
    );
  });

  it.each<[string, unknown, MiningErrorCode]>([
    ['an empty list', [], MiningErrorCode.EmptyCorpus],
    ['a missing word', [{ pos: 'noun' }], MiningErrorCode.InvalidInput],
    ['a blank word', [{ word: '  ', pos: 'noun' }], MiningErrorCode.InvalidInput],
    ['an unknown part of speech', [{ word: 'run', pos: 'verb' }], MiningErrorCode.InvalidInput],
  ])('rejects %s', (_, items, code) => {
    expect(() => buildCustomCorpus(items as CustomCorpusItem[])).toThrow(MiningError);
    try {
      buildCustomCorpus(items as CustomCorpusItem[]);
    } catch (error) {
      expect((error as MiningError).code).toBe(code);
    }
  });
});

describe('idLabelPrompts', () => {
  it('renders label-major prompts with the id templates', () => {
    expect(idLabelPrompts(['goldfish', 'great white shark'])).toEqual([
      'the nice goldfish',
      'the nice great white shark',
    ]);
    expect(idLabelPrompts(['cat'], { id: ['a {}', 'the {} here'], noun: ['{}'], adj: ['{}'] })).toEqual([
      'a cat',
      'the cat here',
    ]);
  });
});
