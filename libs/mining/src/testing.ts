// Test helpers of @negmine/mining.
import { buildWordNetCorpus, type WordNetCorpusOptions } from './lib/corpus/wordnet-corpus';
import type { CandidateCorpus } from './lib/corpus/candidate-corpus';
import { parseWordNetDatabase, type WordNetDataTexts, type WordNetDatabase } from './lib/corpus/wordnet-synsets';
import type { EmbeddingMatrix } from './lib/scoring/ood-score-method';
import { SeededRandom } from './lib/scoring/seeded-random';

// --- corpus and selection helpers ---

/**
 * A miniature WordNet in the real data-file format: an artifact chain entity > instrumentality >
 * container > bottle (lemmas Bottle, jar), a fish pair (fish > goldfish), an oak (noun.plant), a
 * duplicate 'container' in noun.object, a dog (noun.animal, excluded by default) and adjectives in
 * adj.all (red, galore(ip)/abundant), adj.ppl (broken) and adj.pert (solar, excluded by default).
 */
export const TINY_WORDNET_TEXTS: WordNetDataTexts = {
  noun: [
    '  1 This software and database is being provided to you, the LICENSEE, by  ',
    '00001740 03 n 01 entity 0 001 ~ 00002000 n 0000 | that which exists  ',
    '00002000 06 n 01 instrumentality 0 002 @ 00001740 n 0000 ~ 00003000 n 0000 | an artifact  ',
    '00003000 06 n 02 container 0 vessel 0 002 @ 00002000 n 0000 ~ 00004000 n 0000 | holds things  ',
    '00004000 06 n 02 Bottle 0 jar 0 001 @ 00003000 n 0000 | a vessel with a neck  ',
    '00005000 05 n 01 fish 0 001 ~ 00006000 n 0000 | aquatic vertebrate  ',
    '00006000 05 n 02 goldfish 0 Carassius_auratus 0 001 @ 00005000 n 0000 | a small fish  ',
    '00007000 20 n 01 oak 0 000 | a tree  ',
    '00008000 17 n 01 container 0 000 | the same word in another file  ',
    '00009000 05 n 01 dog 0 000 | a domestic animal  ',
    '',
  ].join('\n'),
  adj: [
    '  1 This software and database is being provided to you, the LICENSEE, by  ',
    '00001000 00 a 01 red 0 000 | coloured red  ',
    '00001100 00 s 02 galore(ip) 0 abundant 0 001 & 00001000 a 0000 | in plenty  ',
    '00001200 44 a 01 broken 0 000 | damaged  ',
    '00001300 01 a 01 solar 0 000 | of the sun  ',
    '',
  ].join('\n'),
};

export function tinyWordNetDatabase(): WordNetDatabase {
  return parseWordNetDatabase(TINY_WORDNET_TEXTS);
}

/** The default-pool corpus of the tiny WordNet (order: adj.all, adj.ppl, noun.Tops, noun.artifact, noun.object, noun.plant). */
export function tinyWordNetCorpus(options: WordNetCorpusOptions = {}): CandidateCorpus {
  return buildWordNetCorpus(tinyWordNetDatabase(), options);
}

/**
 * Synthetic raw text embeddings (rows × dim): Gaussian directions scaled to norms in [7, 12], like
 * CLIP text features. Deterministic per seed.
 */
export function syntheticTextEmbeddings(rows: number, dim: number, seed = 1): EmbeddingMatrix & { data: Float32Array } {
  const random = new SeededRandom(seed);
  const uniform = (): number => (random.nextUint32() + 0.5) / 4294967296;
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let squares = 0;
    for (let c = 0; c < dim; c++) {
      // Box–Muller: one normal per pair of uniforms is enough here.
      const value = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      data[r * dim + c] = value;
      squares += value * value;
    }
    const scale = (7 + 5 * uniform()) / Math.sqrt(squares);
    for (let c = 0; c < dim; c++) data[r * dim + c] = data[r * dim + c]! * scale;
  }
  return { rows, cols: dim, data };
}
