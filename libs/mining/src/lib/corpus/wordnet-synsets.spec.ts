// Parsing of WordNet data-file text: lemmas, lexicographer files, pointers, and malformed lines.
import { MiningError, MiningErrorCode } from '../errors';
import { TINY_WORDNET_TEXTS } from '../../testing';
import { candidateWordOfLemma } from './lemma';
import { parseDataFile, parseWordNetDatabase, synsetKey } from './wordnet-synsets';

describe('candidateWordOfLemma', () => {
  it.each([
    ['Carassius_auratus', 'carassius auratus'],
    ['galore(ip)', 'galore'],
    ['ready_to_hand(p)', 'ready to hand'],
    ['outback(a)', 'outback'],
    ['A-one', 'a-one'],
  ])('%s → %s', (lemma, word) => expect(candidateWordOfLemma(lemma)).toBe(word));
});

describe('parseWordNetDatabase', () => {
  const db = parseWordNetDatabase(TINY_WORDNET_TEXTS);

  it('skips the licence header and keeps file order, nouns then adjectives', () => {
    expect(db.synsets.map((s) => s.key)).toEqual([
      'n:00001740',
      'n:00002000',
      'n:00003000',
      'n:00004000',
      'n:00005000',
      'n:00006000',
      'n:00007000',
      'n:00008000',
      'n:00009000',
      'a:00001000',
      'a:00001100',
      'a:00001200',
      'a:00001300',
    ]);
  });

  it('reads lemmas, lexicographer file and part of speech', () => {
    const bottle = db.byKey.get('n:00004000')!;
    expect(bottle).toMatchObject({ offset: 4000, pos: 'noun', lexname: 'noun.artifact', words: ['bottle', 'jar'] });
    expect(db.byKey.get('a:00001100')).toMatchObject({ pos: 'adj', lexname: 'adj.all', words: ['galore', 'abundant'] });
    expect(db.byKey.get('a:00001200')!.lexname).toBe('adj.ppl');
    expect(db.byKey.get('a:00001300')!.lexname).toBe('adj.pert');
    expect(db.byKey.get('n:00001740')!.lexname).toBe('noun.Tops');
  });

  it('keeps hypernym and hyponym pointers as synset keys', () => {
    expect(db.byKey.get('n:00003000')).toMatchObject({ hypernyms: ['n:00002000'], hyponyms: ['n:00004000'] });
    expect(db.byKey.get('n:00001740')!.hypernyms).toEqual([]);
    // '&' (similar to) is not a hypernymy pointer.
    expect(db.byKey.get('a:00001100')).toMatchObject({ hypernyms: [], hyponyms: [] });
  });

  it('indexes every synset of a word', () => {
    expect(db.synsetsOfWord.get('container')).toEqual(['n:00003000', 'n:00008000']);
    expect(db.synsetsOfWord.get('jar')).toEqual(['n:00004000']);
  });

  it('reads hex word counts and instance pointers', () => {
    const words = Array.from({ length: 11 }, (_, i) => `w${i} 0`).join(' ');
    const [synset] = parseDataFile(
      `00000100 06 n 0b ${words} 002 @i 00000200 n 0000 ~i 00000300 n 0000 | eleven lemmas`,
      'noun',
    );
    expect(synset!.words).toHaveLength(11);
    expect(synset!.hypernyms).toEqual([synsetKey('noun', 200)]);
    expect(synset!.hyponyms).toEqual([synsetKey('noun', 300)]);
  });

  it.each([
    ['00000100 99 n 01 thing 0 000 | bad lexname', /lexicographer file number '99'/],
    ['00000100 06 a 01 thing 0 000 | adjective line in data.noun', /synset type 'a'/],
    ['xyz 06 n 01 thing 0 000 | bad offset', /offset 'xyz'/],
    ['00000100 06 n 02 thing 0 | too few words', /ends before its 2 words|pointer count/],
  ])('rejects a malformed line: %s', (line, message) => {
    let caught: unknown;
    try {
      parseDataFile(line, 'noun');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MiningError);
    expect((caught as MiningError).code).toBe(MiningErrorCode.InvalidInput);
    expect((caught as MiningError).message).toMatch(message);
  });
});
