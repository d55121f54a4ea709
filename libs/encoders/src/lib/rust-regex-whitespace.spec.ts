// `\s` rewriting for Rust regex semantics, and its effect on CLIP tokenisation (U+0085 is whitespace,
// U+FEFF is not, as in Rust `tokenizers`).
import { ClipTokenizer } from './clip-tokenizer';
import { rustWhitespacePattern, withRustWhitespace } from './rust-regex-whitespace';

describe('rustWhitespacePattern', () => {
  it('rewrites \\s inside and outside character classes and leaves other escapes', () => {
    const out = rustWhitespacePattern('\\s+|[^\\s\\p{L}]+|\\d');
    expect(out).toContain('\\d');
    expect(out).not.toContain('\\s');
    expect(new RegExp(`^(?:${rustWhitespacePattern('\\s+')})$`, 'u').test('\u0085 \u3000')).toBe(true);
    expect(new RegExp(`^(?:${rustWhitespacePattern('\\s+')})$`, 'u').test('\ufeff')).toBe(false);
    expect(new RegExp(`^(?:${rustWhitespacePattern('[^\\s\\p{L}]+')})$`, 'u').test('\ufeff!')).toBe(true);
  });

  it('rewrites only Regex fields, deeply, without touching the input', () => {
    const section = { type: 'Sequence', items: [{ pattern: { Regex: '\\s+' }, content: '\\s' }] };
    const copy = withRustWhitespace(section);
    expect(copy.items[0]!.pattern.Regex).not.toBe('\\s+');
    expect(copy.items[0]!.content).toBe('\\s');
    expect(section.items[0]!.pattern.Regex).toBe('\\s+');
  });
});

describe('ClipTokenizer whitespace semantics', () => {
  const tokenizer = ClipTokenizer.fromMerges([
    ['d', 'o'],
    ['do', 'g</w>'],
  ]);

  it('treats NEL (U+0085) as whitespace and BOM (U+FEFF) as a symbol, like Rust', () => {
    expect(tokenizer.encode('dog\u0085dog')).toEqual(tokenizer.encode('dog dog'));
    expect(tokenizer.encode('dog\ufeffdog').length).toBeGreaterThan(tokenizer.encode('dog dog').length);
  });
});
