// Rust `tokenizers` compiles tokenizer.json regexes with Unicode `\s` = White_Space (includes U+0085,
// excludes U+FEFF); JavaScript's `\s` is the reverse on those two. Rewriting `\s` into the explicit
// Rust set makes the JS library split and collapse whitespace exactly as the Rust original. Internal.

/** Unicode White_Space, the set Rust's regex crate uses for `\s` (class contents, no brackets). */
const RUST_WHITESPACE_CLASS_CONTENTS =
  '\\t-\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** Replaces every `\s` escape: inside a character class by the set's contents, elsewhere by a class. */
export function rustWhitespacePattern(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      const next = pattern[i + 1]!;
      out +=
        next === 's' ? (inClass ? RUST_WHITESPACE_CLASS_CONTENTS : `[${RUST_WHITESPACE_CLASS_CONTENTS}]`) : ch + next;
      i++;
      continue;
    }
    if (ch === '[' && !inClass) inClass = true;
    else if (ch === ']' && inClass) inClass = false;
    out += ch;
  }
  return out;
}

/** A deep copy of a tokenizer.json section with every `{ "Regex": ... }` pattern rewritten. */
export function withRustWhitespace<T>(section: T): T {
  if (Array.isArray(section)) return section.map((item: unknown) => withRustWhitespace(item)) as T;
  if (typeof section !== 'object' || section === null) return section;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(section)) {
    copy[key] = key === 'Regex' && typeof value === 'string' ? rustWhitespacePattern(value) : withRustWhitespace(value);
  }
  return copy as T;
}
