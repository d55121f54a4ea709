// Tokenizer conformance against golden-tokens.json (hf_ids exact from all three sources; openai_ids
// with the OpenAI clean-up except ftfy-sensitive items) plus unit checks that need no fixtures.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeWithSharedFixtures, readJson } from '@negmine/formats/testing';
import { byteToUnicodeEntries, clipVocabularyFromMerges } from './bpe-vocabulary';
import { ClipTokenizer } from './clip-tokenizer';
import { EncodersErrorCode } from './errors';

// Model loading and image decoding share 2 CPU cores with other jobs: allow slow machines.
jest.setTimeout(60_000);

interface GoldenItem {
  readonly index: number;
  readonly category: string;
  readonly text: string;
  readonly hf_ids: readonly number[];
  readonly openai_ids: readonly number[];
}

describe('ClipTokenizer (own merges)', () => {
  const merges = [
    ['d', 'o'],
    ['do', 'g</w>'],
    ['c', 'a'],
    ['ca', 't</w>'],
  ] as const;
  const tokenizer = ClipTokenizer.fromMerges(merges, { contextLength: 6 });
  const vocab = clipVocabularyFromMerges(merges);

  it('builds OpenAI-ordered vocabularies: 512 byte symbols, merges, then start and end', () => {
    expect(byteToUnicodeEntries()).toHaveLength(256);
    expect(vocab.get('dog</w>')).toBe(513);
    expect(tokenizer.startTokenId).toBe(516);
    expect(tokenizer.endTokenId).toBe(517);
  });

  it('lower-cases, wraps in start/end and applies merges', () => {
    expect(tokenizer.encode('DOG  Cat')).toEqual([516, vocab.get('dog</w>'), vocab.get('cat</w>'), 517]);
  });

  it('truncates keeping the end token', () => {
    const ids = tokenizer.encode('dog cat dog cat dog cat');
    expect(ids).toEqual([516, 513, 515, 513, 515, 517]);
    expect(tokenizer.countTokens('dog cat dog cat dog cat')).toBe(8);
  });

  it('rejects a bad context length with a typed error', () => {
    expect(() => ClipTokenizer.fromMerges(merges, { contextLength: 1 })).toThrow(
      expect.objectContaining({ code: EncodersErrorCode.InvalidOption }),
    );
  });

  it('rejects a tokenizer.json without a model section', () => {
    expect(() => ClipTokenizer.fromTokenizerJson({})).toThrow(
      expect.objectContaining({ code: EncodersErrorCode.InvalidTokenizer }),
    );
  });
});

describeWithSharedFixtures('clip', 'ClipTokenizer conformance (golden-tokens.json)', (dir) => {
  const tokenizerDir = path.join(dir, 'tokenizer');
  const golden = readJson<{ items: GoldenItem[] }>(path.join(tokenizerDir, 'golden-tokens.json'));
  const items = golden.items.map((item) => [item.index, item.category, item] as const);
  const fromJson = ClipTokenizer.fromTokenizerJson(readJson(path.join(tokenizerDir, 'tokenizer.json')));
  const fromGz = ClipTokenizer.fromOpenAiBpeGz(readFileSync(path.join(tokenizerDir, 'bpe_simple_vocab_16e6.txt.gz')));
  const fromVocab = ClipTokenizer.fromVocabAndMerges(
    readJson(path.join(tokenizerDir, 'vocab.json')),
    readFileSync(path.join(tokenizerDir, 'merges.txt'), 'utf8'),
  );
  const openai = ClipTokenizer.fromTokenizerJson(readJson(path.join(tokenizerDir, 'tokenizer.json')), {
    cleanup: 'openai',
  });

  it('covers all 331 items', () => {
    expect(items).toHaveLength(331);
  });

  it.each(items)('#%i (%s) hf_ids from tokenizer.json, the OpenAI .gz and vocab.json+merges.txt', (_i, _c, item) => {
    expect(fromJson.encode(item.text)).toEqual(item.hf_ids);
    expect(fromGz.encode(item.text)).toEqual(item.hf_ids);
    expect(fromVocab.encode(item.text)).toEqual(item.hf_ids);
  });

  const openaiItems = items.filter(([, category]) => category !== 'ftfy_sensitive');
  it.each(openaiItems)('#%i (%s) openai_ids with cleanup "openai"', (_i, _c, item) => {
    expect(openai.encode(item.text)).toEqual(item.openai_ids);
  });
});
