// Parses WordNet `data.noun` / `data.adj` text (wndb(5WN) format) into synsets with their lemmas,
// lexicographer file and the hypernym/hyponym pointers the false-negative diagnostics follow.
// Takes text, reads nothing. Public types.
import { MiningError, MiningErrorCode } from '../errors';
import { candidateWordOfLemma } from './lemma';
import type { PartOfSpeech } from './part-of-speech';
import { WORDNET_LEXNAMES, type WordNetLexname } from './wordnet-lexnames';

export interface WordNetSynset {
  /** `n:<offset>` or `a:<offset>`: offsets are only unique within one data file. */
  readonly key: string;
  readonly offset: number;
  readonly pos: PartOfSpeech;
  readonly lexname: WordNetLexname;
  /** Lemmas in file order, as candidate words (lower-case, spaces, no adjective markers). */
  readonly words: readonly string[];
  /** Keys of `@` (hypernym) and `@i` (instance hypernym) targets. */
  readonly hypernyms: readonly string[];
  /** Keys of `~` (hyponym) and `~i` (instance hyponym) targets. */
  readonly hyponyms: readonly string[];
}

export interface WordNetDatabase {
  /** Noun synsets in data.noun order, then adjective synsets in data.adj order. */
  readonly synsets: readonly WordNetSynset[];
  readonly byKey: ReadonlyMap<string, WordNetSynset>;
  /** Candidate word → keys of every synset that has it as a lemma. */
  readonly synsetsOfWord: ReadonlyMap<string, readonly string[]>;
}

export interface WordNetDataTexts {
  /** Contents of `data.noun`. */
  readonly noun: string;
  /** Contents of `data.adj`. */
  readonly adj: string;
}

const KEY_PREFIX: Readonly<Record<PartOfSpeech, string>> = { noun: 'n', adj: 'a' };

export function synsetKey(pos: PartOfSpeech, offset: number): string {
  return `${KEY_PREFIX[pos]}:${String(offset).padStart(8, '0')}`;
}

export function parseWordNetDatabase(texts: WordNetDataTexts): WordNetDatabase {
  const synsets = [...parseDataFile(texts.noun, 'noun'), ...parseDataFile(texts.adj, 'adj')];
  const byKey = new Map<string, WordNetSynset>();
  const synsetsOfWord = new Map<string, string[]>();
  for (const synset of synsets) {
    byKey.set(synset.key, synset);
    for (const word of synset.words) {
      const keys = synsetsOfWord.get(word);
      if (keys === undefined) synsetsOfWord.set(word, [synset.key]);
      else if (keys[keys.length - 1] !== synset.key) keys.push(synset.key);
    }
  }
  return { synsets, byKey, synsetsOfWord };
}

/** One data file. Lines starting with two spaces are the licence header. */
export function parseDataFile(text: string, pos: PartOfSpeech): WordNetSynset[] {
  const synsets: WordNetSynset[] = [];
  let lineNumber = 0;
  for (const line of text.split('\n')) {
    lineNumber++;
    if (line.length === 0 || line.startsWith('  ')) continue;
    synsets.push(parseDataLine(line, pos, lineNumber));
  }
  return synsets;
}

// synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] [frames...] | gloss
function parseDataLine(line: string, pos: PartOfSpeech, lineNumber: number): WordNetSynset {
  const bar = line.indexOf(' | ');
  const fields = (bar >= 0 ? line.slice(0, bar) : line).trim().split(' ');
  const fail = (what: string): never => {
    throw new MiningError(
      MiningErrorCode.InvalidInput,
      `WordNet data.${pos} line ${lineNumber}: ${what}; expected the wndb(5WN) data-file format`,
      {
        line: lineNumber,
      },
    );
  };
  const offset = Number(fields[0]);
  const lexnumber = Number(fields[1]);
  const lexname = WORDNET_LEXNAMES[lexnumber];
  if (!Number.isInteger(offset)) fail(`synset offset '${fields[0]}' is not a number`);
  if (lexname === undefined) fail(`lexicographer file number '${fields[1]}' is not in 0..44`);
  const synsetType = fields[2];
  const expectedTypes = pos === 'noun' ? ['n'] : ['a', 's'];
  if (synsetType === undefined || !expectedTypes.includes(synsetType))
    fail(`synset type '${synsetType}' does not belong in data.${pos}`);
  const wordCount = parseInt(fields[3] ?? '', 16);
  if (!Number.isInteger(wordCount) || wordCount < 1) fail(`word count '${fields[3]}' is not a positive hex number`);
  const words: string[] = [];
  let cursor = 4;
  for (let w = 0; w < wordCount; w++, cursor += 2) {
    const lemma = fields[cursor];
    if (lemma === undefined) fail(`the line ends before its ${wordCount} words`);
    words.push(candidateWordOfLemma(lemma!));
  }
  const pointerCount = Number(fields[cursor]);
  if (!Number.isInteger(pointerCount)) fail(`pointer count '${fields[cursor]}' is not a number`);
  cursor++;
  const hypernyms: string[] = [];
  const hyponyms: string[] = [];
  for (let p = 0; p < pointerCount; p++, cursor += 4) {
    const symbol = fields[cursor];
    const targetOffset = Number(fields[cursor + 1]);
    const targetPos = fields[cursor + 2];
    if (symbol === undefined || !Number.isInteger(targetOffset))
      fail(`pointer ${p + 1} of ${pointerCount} is malformed`);
    // Hypernymy is a noun-to-noun relation; other pointers are not needed by the diagnostics.
    if (targetPos !== 'n') continue;
    if (symbol === '@' || symbol === '@i') hypernyms.push(synsetKey('noun', targetOffset));
    else if (symbol === '~' || symbol === '~i') hyponyms.push(synsetKey('noun', targetOffset));
  }
  return { key: synsetKey(pos, offset), offset, pos, lexname: lexname!, words, hypernyms, hyponyms };
}
