// False-negative diagnostics for mined negatives: flags a candidate that is a WordNet synonym of an
// ID label (shares a synset, or is the same word), a hyponym ("a kind of") of one, a hypernym of
// one (via the data files' @/@i pointers), or whose cosine to its nearest ID label exceeds a
// threshold; reports the flags and the nearest ID label. No large language model needed. Public.
import type { CorpusEntry } from '../corpus/candidate-corpus';
import { candidateWordOfLemma } from '../corpus/lemma';
import { synsetKey, type WordNetDatabase } from '../corpus/wordnet-synsets';
import { MiningError, MiningErrorCode } from '../errors';
import type { KernelOptions } from '../kernels/ort-session';
import { defaultBlockRows, SimilarityTopKKernel } from '../kernels/similarity-topk.kernel';
import { rowNorms, unitRowsFloat32, validateEmbeddingMatrix, type EmbeddingMatrix } from './embedding-matrix';

export interface FalseNegativeOptions {
  /** Flag when the cosine to the nearest ID label exceeds this; default 0.95 (CSP's near-duplicate cut). */
  readonly cosineThreshold?: number;
  /** Hypernym levels followed above an ID label's synsets; default 2 ('entity' is not a false negative of 'goldfish'). */
  readonly hypernymMaxDepth?: number;
  /** Hypernym levels followed above a candidate's synsets to reach an ID label; default unlimited. */
  readonly hyponymMaxDepth?: number;
}

export interface FalseNegativeInput {
  /** The corpus entries (all N); candidates are referred to by index into it. */
  readonly entries: readonly CorpusEntry[];
  /** ID class names, as words (case and underscores do not matter). */
  readonly idLabels: readonly string[];
  /** Parsed WordNet; without it only the cosine flag is computed. */
  readonly wordnet?: WordNetDatabase;
  /** Raw candidate embeddings (N × d) and ID label embeddings (K × d); both or neither. */
  readonly candidateEmbeddings?: EmbeddingMatrix;
  readonly idEmbeddings?: EmbeddingMatrix;
  /** Which candidates to diagnose (e.g. the selected ones); default: all. */
  readonly candidates?: ArrayLike<number>;
}

export interface FalseNegativeFlags {
  readonly synonym: boolean;
  readonly hyponym: boolean;
  readonly hypernym: boolean;
  readonly nearIdLabel: boolean;
}

export interface FalseNegativeDiagnosis {
  readonly candidate: number;
  readonly word: string;
  readonly flags: FalseNegativeFlags;
  /** Any flag set. */
  readonly flagged: boolean;
  /** The ID labels behind each WordNet relation flag. */
  readonly relatedIdLabels: {
    readonly synonym: readonly string[];
    readonly hyponym: readonly string[];
    readonly hypernym: readonly string[];
  };
  /** Present when embeddings were given. */
  readonly nearestIdLabel?: { readonly index: number; readonly label: string; readonly cosine: number };
}

export async function diagnoseFalseNegatives(
  input: FalseNegativeInput,
  options: FalseNegativeOptions = {},
  kernel: KernelOptions = {},
): Promise<FalseNegativeDiagnosis[]> {
  const cosineThreshold = options.cosineThreshold ?? 0.95;
  const hypernymMaxDepth = options.hypernymMaxDepth ?? 2;
  const hyponymMaxDepth = options.hyponymMaxDepth ?? Number.POSITIVE_INFINITY;
  if (!(Math.abs(cosineThreshold) <= 1)) {
    throw new MiningError(
      MiningErrorCode.InvalidParameter,
      `cosineThreshold must be a cosine in [-1, 1]; got ${cosineThreshold}`,
    );
  }
  for (const [name, depth] of [
    ['hypernymMaxDepth', hypernymMaxDepth],
    ['hyponymMaxDepth', hyponymMaxDepth],
  ] as const) {
    if (!(depth >= 0) || (Number.isFinite(depth) && !Number.isInteger(depth))) {
      throw new MiningError(
        MiningErrorCode.InvalidParameter,
        `${name} must be a non-negative integer (or Infinity); got ${depth}`,
      );
    }
  }
  if (input.idLabels.length === 0) {
    throw new MiningError(MiningErrorCode.InvalidInput, 'false-negative diagnostics need at least one ID label');
  }
  const candidates = Array.from(input.candidates ?? input.entries.map((_, i) => i));
  for (const index of candidates) {
    if (!Number.isInteger(index) || index < 0 || index >= input.entries.length) {
      throw new MiningError(
        MiningErrorCode.InvalidInput,
        `candidate index ${index} is outside the corpus of ${input.entries.length} entries`,
        { index },
      );
    }
  }
  const nearest = await nearestIdLabels(input, candidates, kernel);
  const labelWords = input.idLabels.map((label) => candidateWordOfLemma(label.trim()));
  const relations =
    input.wordnet === undefined
      ? undefined
      : new IdLabelRelations(input.wordnet, labelWords, hypernymMaxDepth, hyponymMaxDepth);

  return candidates.map((candidate, position) => {
    const entry = input.entries[candidate]!;
    const related = relations?.of(entry) ?? { synonym: [], hyponym: [], hypernym: [] };
    for (let label = 0; label < labelWords.length; label++) {
      if (labelWords[label] === entry.word.toLowerCase() && !related.synonym.includes(label))
        related.synonym.push(label);
    }
    const near = nearest?.[position];
    const flags: FalseNegativeFlags = {
      synonym: related.synonym.length > 0,
      hyponym: related.hyponym.length > 0,
      hypernym: related.hypernym.length > 0,
      nearIdLabel: near !== undefined && near.cosine > cosineThreshold,
    };
    const names = (labels: number[]): string[] => labels.map((l) => input.idLabels[l]!);
    return {
      candidate,
      word: entry.word,
      flags,
      flagged: flags.synonym || flags.hyponym || flags.hypernym || flags.nearIdLabel,
      relatedIdLabels: {
        synonym: names(related.synonym),
        hyponym: names(related.hyponym),
        hypernym: names(related.hypernym),
      },
      ...(near !== undefined
        ? { nearestIdLabel: { index: near.index, label: input.idLabels[near.index]!, cosine: near.cosine } }
        : {}),
    };
  });
}

/** WordNet relations between any candidate and the ID labels, with the ID side precomputed. */
class IdLabelRelations {
  /** ID label synset → labels. */
  private readonly labelSynsets = new Map<string, number[]>();
  /** Synsets within hypernymMaxDepth above an ID label's synsets → labels. */
  private readonly labelAncestors = new Map<string, number[]>();

  constructor(
    private readonly wordnet: WordNetDatabase,
    labelWords: readonly string[],
    hypernymMaxDepth: number,
    private readonly hyponymMaxDepth: number,
  ) {
    labelWords.forEach((word, label) => {
      for (const key of wordnet.synsetsOfWord.get(word) ?? []) {
        addTo(this.labelSynsets, key, label);
        for (const ancestor of this.ancestors(key, hypernymMaxDepth)) addTo(this.labelAncestors, ancestor, label);
      }
    });
  }

  of(entry: CorpusEntry): { synonym: number[]; hyponym: number[]; hypernym: number[] } {
    const out = { synonym: [] as number[], hyponym: [] as number[], hypernym: [] as number[] };
    for (const key of this.synsetsOf(entry)) {
      for (const label of this.labelSynsets.get(key) ?? []) pushUnique(out.synonym, label);
      for (const label of this.labelAncestors.get(key) ?? []) pushUnique(out.hypernym, label);
      for (const ancestor of this.ancestors(key, this.hyponymMaxDepth)) {
        for (const label of this.labelSynsets.get(ancestor) ?? []) pushUnique(out.hyponym, label);
      }
    }
    return out;
  }

  /** The entry's own synset plus every synset of its word in the same part of speech (all senses). */
  private synsetsOf(entry: CorpusEntry): string[] {
    const word = entry.conjugatedFrom?.adjective ?? entry.word;
    const prefix = entry.pos === 'noun' ? 'n:' : 'a:';
    const keys = (this.wordnet.synsetsOfWord.get(word.toLowerCase()) ?? []).filter((key) => key.startsWith(prefix));
    if (entry.synsetOffset !== undefined) pushUnique(keys, synsetKey(entry.pos, entry.synsetOffset));
    return keys;
  }

  /** Synsets reachable by 1..maxDepth hypernym (@, @i) steps. */
  private ancestors(start: string, maxDepth: number): Set<string> {
    const seen = new Set<string>();
    let frontier = [start];
    for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const key of frontier) {
        for (const parent of this.wordnet.byKey.get(key)?.hypernyms ?? []) {
          if (seen.has(parent) || parent === start) continue;
          seen.add(parent);
          next.push(parent);
        }
      }
      frontier = next;
    }
    return seen;
  }
}

async function nearestIdLabels(
  input: FalseNegativeInput,
  candidates: readonly number[],
  kernel: KernelOptions,
): Promise<Array<{ index: number; cosine: number }> | undefined> {
  const { candidateEmbeddings: corpus, idEmbeddings: labels } = input;
  if (corpus === undefined && labels === undefined) return undefined;
  if (corpus === undefined || labels === undefined) {
    throw new MiningError(
      MiningErrorCode.InvalidInput,
      'give both candidate and ID label embeddings for the cosine diagnostics, or neither',
    );
  }
  validateEmbeddingMatrix(corpus, 'candidate embeddings');
  validateEmbeddingMatrix(labels, 'ID label embeddings');
  if (corpus.rows !== input.entries.length) {
    throw new MiningError(
      MiningErrorCode.ShapeMismatch,
      `candidate embeddings have ${corpus.rows} rows but the corpus has ${input.entries.length} entries`,
    );
  }
  if (labels.rows !== input.idLabels.length) {
    throw new MiningError(
      MiningErrorCode.ShapeMismatch,
      `ID label embeddings have ${labels.rows} rows but there are ${input.idLabels.length} ID labels`,
    );
  }
  if (labels.cols !== corpus.cols) {
    throw new MiningError(
      MiningErrorCode.ShapeMismatch,
      `ID label embeddings have dimension ${labels.cols} but candidate embeddings have ${corpus.cols}`,
    );
  }
  if (candidates.length === 0) return [];
  const dim = corpus.cols;
  const keys = unitRowsFloat32(labels, rowNorms(labels));
  const nearest: Array<{ index: number; cosine: number }> = [];
  // Blocks of candidates, so neither a copy of every chosen row nor the chosen × K cosines exist at once.
  const blockRows = defaultBlockRows(labels.rows);
  const topk = await SimilarityTopKKernel.create(
    { keys, keyCount: labels.rows, dim, count: 1, largest: true, precision: 'float32' },
    kernel,
  );
  try {
    for (let start = 0; start < candidates.length; start += blockRows) {
      const rows = Math.min(blockRows, candidates.length - start);
      const block = new Float32Array(rows * dim);
      for (let r = 0; r < rows; r++) {
        const row = candidates[start + r]!;
        block.set(corpus.data.subarray(row * dim, (row + 1) * dim), r * dim);
      }
      const blockMatrix: EmbeddingMatrix = { rows, cols: dim, data: block };
      const best = await topk.run(unitRowsFloat32(blockMatrix, rowNorms(blockMatrix)), rows);
      for (let r = 0; r < rows; r++) nearest.push({ index: best.indices[r]!, cosine: best.values[r]! });
    }
  } finally {
    await topk.dispose();
  }
  return nearest;
}

function addTo(map: Map<string, number[]>, key: string, label: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [label]);
  else pushUnique(list, label);
}

function pushUnique<T>(list: T[], value: T): void {
  if (!list.includes(value)) list.push(value);
}
