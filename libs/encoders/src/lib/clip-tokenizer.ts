// CLIP text tokenisation: @huggingface/tokenizers runs the tokenizer.json BPE pipeline; this file
// owns what it gets wrong for CLIP (Rust's char-by-char lower-casing, truncation that keeps the end
// token) and the OpenAI clean-up option (html unescape twice). Public.
import { decodeHTML } from 'entities';
import { Tokenizer } from '@huggingface/tokenizers';
import {
  CLIP_END_TOKEN,
  CLIP_START_TOKEN,
  clipTokenizerJson,
  clipVocabularyFromMerges,
  parseMergesTxt,
  parseOpenAiBpeGz,
  type BpeMerge,
} from './bpe-vocabulary';
import { EncodersError, EncodersErrorCode } from './errors';
import { withRustWhitespace } from './rust-regex-whitespace';

/**
 * - `hf`: the tokenizer.json pipeline (Hugging Face fast tokenizers, Rust semantics).
 * - `openai`: OpenAI's simple_tokenizer clean-up: html.unescape twice, whitespace collapsed, Python
 *   lower() (word-final Σ -> ς). ftfy is not applied (no maintained JS port exists).
 */
export type TokenizerCleanup = 'hf' | 'openai';

export interface ClipTokenizerOptions {
  readonly cleanup?: TokenizerCleanup;
  /** Maximum ids per text including start and end token; default 77 (CLIP's context). */
  readonly contextLength?: number;
}

export const CLIP_CONTEXT_LENGTH = 77;

/** Lower-cases one code point at a time, as Rust `char::to_lowercase` does (no final-sigma rule). */
function lowercasePerCodePoint(text: string): string {
  let out = '';
  for (const ch of text) out += ch.toLowerCase();
  return out;
}

// Python's str \s (str.isspace), which simple_tokenizer's whitespace_clean and strip use: JavaScript's
// \s plus the separators U+001C..U+001F and U+0085, minus U+FEFF.
// eslint-disable-next-line no-control-regex
const PYTHON_WHITESPACE_RUN = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/gu;

function openAiClean(text: string): string {
  const unescaped = decodeHTML(decodeHTML(text)).normalize('NFC');
  // After collapsing, Python's strip() removes at most one space at each end.
  return unescaped.replace(PYTHON_WHITESPACE_RUN, ' ').replace(/^ | $/g, '').toLowerCase();
}

function normalizerLowercases(config: unknown): boolean {
  if (typeof config !== 'object' || config === null) return false;
  const node = config as { type?: unknown; normalizers?: unknown };
  if (node.type === 'Lowercase') return true;
  return Array.isArray(node.normalizers) && node.normalizers.some(normalizerLowercases);
}

/** Words whose BPE pieces are remembered; a corpus of ~57k prompts has far fewer distinct words. */
const BPE_CACHE_WORDS = 200_000;

interface BpeWordCache {
  get(word: string): unknown;
  put(word: string, pieces: unknown): void;
  clear(): void;
}

/**
 * The library's BPE model memoises words in an LRU of 10,000 entries that deletes and re-inserts
 * the Map key on every hit; on a WordNet-sized corpus it thrashes and takes a quarter of the
 * tokenisation time. A plain Map, emptied when it reaches its bound, gives the same pieces (BPE of
 * a word is deterministic) at a third less time cold and a third of the time warm. Left alone
 * when the library's model no longer has that cache shape.
 */
function useBoundedBpeCache(tokenizer: Tokenizer): void {
  const model = (tokenizer as unknown as { model?: { cache?: Partial<BpeWordCache> } }).model;
  const current = model?.cache;
  if (model === undefined || typeof current?.get !== 'function' || typeof current.put !== 'function') return;
  const words = new Map<string, unknown>();
  model.cache = {
    get: (word) => words.get(word),
    put: (word, pieces) => {
      if (words.size >= BPE_CACHE_WORDS) words.clear();
      words.set(word, pieces);
    },
    clear: () => words.clear(),
  } satisfies BpeWordCache;
}

export class ClipTokenizer {
  readonly startTokenId: number;
  readonly endTokenId: number;
  readonly contextLength: number;
  readonly cleanup: TokenizerCleanup;
  private readonly lowercases: boolean;

  private constructor(
    private readonly tokenizer: Tokenizer,
    tokenizerJson: Record<string, unknown>,
    options: ClipTokenizerOptions,
  ) {
    const start = tokenizer.token_to_id(CLIP_START_TOKEN);
    const end = tokenizer.token_to_id(CLIP_END_TOKEN);
    if (start === undefined || end === undefined) {
      throw new EncodersError(
        EncodersErrorCode.InvalidTokenizer,
        `a CLIP tokenizer needs the tokens '${CLIP_START_TOKEN}' and '${CLIP_END_TOKEN}'; found start=${String(start)}, end=${String(end)}`,
      );
    }
    const contextLength = options.contextLength ?? CLIP_CONTEXT_LENGTH;
    if (!Number.isInteger(contextLength) || contextLength < 2) {
      throw new EncodersError(
        EncodersErrorCode.InvalidOption,
        `contextLength must be an integer >= 2; got ${contextLength}`,
      );
    }
    const cleanup = options.cleanup ?? 'hf';
    if (cleanup !== 'hf' && cleanup !== 'openai') {
      throw new EncodersError(
        EncodersErrorCode.InvalidOption,
        `cleanup must be 'hf' or 'openai'; got '${String(cleanup)}'`,
      );
    }
    this.startTokenId = start;
    this.endTokenId = end;
    this.contextLength = contextLength;
    this.cleanup = cleanup;
    this.lowercases = normalizerLowercases(tokenizerJson['normalizer']);
    useBoundedBpeCache(tokenizer);
  }

  /** From a parsed tokenizer.json (HF fast-tokenizer file). */
  static fromTokenizerJson(json: unknown, options: ClipTokenizerOptions = {}): ClipTokenizer {
    if (typeof json !== 'object' || json === null || typeof (json as { model?: unknown }).model !== 'object') {
      throw new EncodersError(
        EncodersErrorCode.InvalidTokenizer,
        'tokenizer.json must be an object with a "model" section (a Hugging Face fast-tokenizer file)',
      );
    }
    const source = json as Record<string, unknown>;
    // Regexes get Rust's whitespace set, so \s means what it meant to the Rust tokenizer.
    const patched = {
      ...source,
      normalizer: withRustWhitespace(source['normalizer']),
      pre_tokenizer: withRustWhitespace(source['pre_tokenizer']),
    };
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(patched, {});
    } catch (error) {
      throw new EncodersError(
        EncodersErrorCode.InvalidTokenizer,
        `tokenizer.json could not be loaded: ${(error as Error).message}`,
      );
    }
    return new ClipTokenizer(tokenizer, source, options);
  }

  /** From a merge list alone, building the vocabulary as OpenAI's simple_tokenizer does. */
  static fromMerges(merges: readonly BpeMerge[], options: ClipTokenizerOptions = {}): ClipTokenizer {
    return ClipTokenizer.fromTokenizerJson(clipTokenizerJson(clipVocabularyFromMerges(merges), merges), options);
  }

  /** From OpenAI's bpe_simple_vocab_16e6.txt.gz bytes. */
  static fromOpenAiBpeGz(gzBytes: Uint8Array, options: ClipTokenizerOptions = {}): ClipTokenizer {
    return ClipTokenizer.fromMerges(parseOpenAiBpeGz(gzBytes), options);
  }

  /** From HF slow-tokenizer files: vocab.json (parsed) + merges.txt (text). */
  static fromVocabAndMerges(vocabJson: unknown, mergesTxt: string, options: ClipTokenizerOptions = {}): ClipTokenizer {
    if (typeof vocabJson !== 'object' || vocabJson === null || Array.isArray(vocabJson)) {
      throw new EncodersError(EncodersErrorCode.InvalidTokenizer, 'vocab.json must be an object mapping tokens to ids');
    }
    const vocab = new Map<string, number>();
    for (const [token, id] of Object.entries(vocabJson as Record<string, unknown>)) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
        throw new EncodersError(
          EncodersErrorCode.InvalidTokenizer,
          `vocab.json: id of '${token}' must be a non-negative integer; got ${JSON.stringify(id)}`,
        );
      }
      vocab.set(token, id);
    }
    const merges = parseMergesTxt(mergesTxt);
    return ClipTokenizer.fromTokenizerJson(clipTokenizerJson(vocab, merges), options);
  }

  private prepare(text: string): string {
    if (this.cleanup === 'openai') return openAiClean(text);
    // NFC first, as the tokenizer.json normaliser does, so lower-casing sees composed characters.
    return this.lowercases ? lowercasePerCodePoint(text.normalize('NFC')) : text;
  }

  /** Token ids `[start, ...bpe, end]`; over-long texts keep start, the first bpe ids and end. */
  encode(text: string): number[] {
    if (typeof text !== 'string') {
      throw new EncodersError(EncodersErrorCode.InvalidOption, `texts must be strings; got ${typeof text}`);
    }
    const ids = this.tokenizer.encode(this.prepare(text)).ids;
    if (ids.length <= this.contextLength) return ids;
    // The model pools at the end token, so it must survive truncation.
    return [...ids.slice(0, this.contextLength - 1), this.endTokenId];
  }

  /** Untruncated token count (start and end included), e.g. to warn about long prompts. */
  countTokens(text: string): number {
    return this.tokenizer.encode(this.prepare(text)).ids.length;
  }
}
