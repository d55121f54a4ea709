// CLIP's byte-level BPE vocabulary: the GPT-2 byte<->unicode table, the vocabulary OpenAI's
// simple_tokenizer derives from a merge list, and readers for the OpenAI .txt.gz and HF merges.txt
// sources. Used by clip-tokenizer.ts and the test-model generator. Public.
import { gunzipSync } from 'node:zlib';
import { EncodersError, EncodersErrorCode } from './errors';

export const CLIP_START_TOKEN = '<|startoftext|>';
export const CLIP_END_TOKEN = '<|endoftext|>';
export const CLIP_WORD_END = '</w>';
/** OpenAI's simple_tokenizer reads exactly this many merges (49152 - 256 - 2) from its BPE file. */
export const OPENAI_MERGE_COUNT = 48_894;

/** GPT-2 bytes_to_unicode: printable bytes map to themselves, the rest to 256 + n. Entries in OpenAI's order. */
export function byteToUnicodeEntries(): ReadonlyArray<readonly [number, string]> {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const entries: Array<readonly [number, string]> = printable.map((b) => [b, String.fromCodePoint(b)] as const);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (!printable.includes(b)) entries.push([b, String.fromCodePoint(256 + next++)]);
  }
  return entries;
}

export type BpeMerge = readonly [string, string];

/**
 * The vocabulary simple_tokenizer builds from merges: 256 byte symbols, the same with `</w>`,
 * one entry per merge, then the start and end tokens (ids in that order).
 */
export function clipVocabularyFromMerges(merges: readonly BpeMerge[]): Map<string, number> {
  const symbols = byteToUnicodeEntries().map(([, s]) => s);
  const tokens = [
    ...symbols,
    ...symbols.map((s) => s + CLIP_WORD_END),
    ...merges.map(([a, b]) => a + b),
    CLIP_START_TOKEN,
    CLIP_END_TOKEN,
  ];
  const vocab = new Map<string, number>();
  tokens.forEach((t, id) => {
    if (vocab.has(t)) {
      throw new EncodersError(
        EncodersErrorCode.InvalidTokenizer,
        `BPE merges produce the token '${t}' twice; a merge list must not repeat a merge`,
      );
    }
    vocab.set(t, id);
  });
  return vocab;
}

function parseMergeLines(lines: readonly string[], source: string): BpeMerge[] {
  return lines.map((line, i) => {
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new EncodersError(
        EncodersErrorCode.CorruptFile,
        `${source}: merge line ${i + 1} must be two symbols separated by one space; got '${line}'`,
        {
          file: source,
        },
      );
    }
    return [parts[0]!, parts[1]!] as const;
  });
}

/** HF merges.txt: an optional `#version` header, then one merge per line. */
export function parseMergesTxt(text: string, source = 'merges.txt'): BpeMerge[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#version'));
  return parseMergeLines(lines, source);
}

/** OpenAI's bpe_simple_vocab_16e6.txt.gz: a header line, then merges; only the first 48,894 are used. */
export function parseOpenAiBpeGz(gzBytes: Uint8Array, source = 'bpe_simple_vocab_16e6.txt.gz'): BpeMerge[] {
  let text: string;
  try {
    text = gunzipSync(gzBytes).toString('utf8');
  } catch (error) {
    throw new EncodersError(
      EncodersErrorCode.CorruptFile,
      `${source} is not a readable gzip file: ${(error as Error).message}`,
      { file: source },
    );
  }
  const lines = text
    .split(/\r?\n/)
    .slice(1, 1 + OPENAI_MERGE_COUNT)
    .filter((l) => l !== '');
  return parseMergeLines(lines, source);
}

/** A tokenizer.json object with CLIP's pipeline (the one Hugging Face publishes for CLIP models). */
export function clipTokenizerJson(
  vocab: ReadonlyMap<string, number>,
  merges: readonly BpeMerge[],
): Record<string, unknown> {
  const startId = vocab.get(CLIP_START_TOKEN);
  const endId = vocab.get(CLIP_END_TOKEN);
  if (startId === undefined || endId === undefined) {
    throw new EncodersError(
      EncodersErrorCode.InvalidTokenizer,
      `a CLIP vocabulary needs '${CLIP_START_TOKEN}' and '${CLIP_END_TOKEN}'`,
    );
  }
  const special = (id: number, content: string): Record<string, unknown> => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: content === CLIP_START_TOKEN,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(startId, CLIP_START_TOKEN), special(endId, CLIP_END_TOKEN)],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFC' },
        { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
        { type: 'Lowercase' },
      ],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: {
            Regex:
              "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
          },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [CLIP_END_TOKEN, endId],
      cls: [CLIP_START_TOKEN, startId],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: CLIP_END_TOKEN,
      continuing_subword_prefix: '',
      end_of_word_suffix: CLIP_WORD_END,
      fuse_unk: false,
      byte_fallback: false,
      vocab: Object.fromEntries(vocab),
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}
