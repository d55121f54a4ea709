// The shape of an API key: `nmk_<lookup id>_<secret>`. The lookup id (12 random bytes, hex) finds the
// row; the secret (32 random bytes, base64url) is checked against its scrypt hash. Only the holder
// ever sees the whole key.
import { randomBytes } from 'node:crypto';

const PREFIX = 'nmk';
const KEY_PATTERN = /^nmk_([0-9a-f]{24})_([A-Za-z0-9_-]{43})$/;

export interface KeyParts {
  readonly lookupId: string;
  readonly secret: string;
}

export function newKey(): KeyParts & { readonly key: string } {
  const lookupId = randomBytes(12).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `${PREFIX}_${lookupId}_${secret}`, lookupId, secret };
}

/** The parts of a well-formed key, or undefined (the caller answers UNAUTHENTICATED without saying why). */
export function parseKey(key: string): KeyParts | undefined {
  const match = KEY_PATTERN.exec(key);
  return match === null ? undefined : { lookupId: match[1]!, secret: match[2]! };
}
