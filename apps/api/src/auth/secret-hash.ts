// scrypt hashes of key secrets (node:crypto, run on libuv's thread pool, so hashing never blocks the
// event loop). The stored form carries its parameters, so they can be raised later without
// invalidating existing keys.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParameters {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** 2^15 × 8 × 1: ~32 MB and tens of ms per hash; verified keys are cached (api-key.store.ts). */
export const DEFAULT_SCRYPT: ScryptParameters = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function scrypt(secret: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const options: ScryptOptions = { ...parameters, maxmem: 128 * parameters.N * parameters.r * 2 };
  return new Promise((resolve, reject) => {
    scryptCallback(secret, salt, KEY_LENGTH, options, (error, derived) =>
      error === null ? resolve(derived) : reject(error),
    );
  });
}

export async function hashSecret(secret: string, parameters: ScryptParameters = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const derived = await scrypt(secret, salt, parameters);
  return [
    'scrypt',
    parameters.N,
    parameters.r,
    parameters.p,
    salt.toString('base64url'),
    derived.toString('base64url'),
  ].join('$');
}

/** True when `secret` matches `stored` (constant-time comparison); false for a malformed stored hash. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const parameters = { N: Number(n), r: Number(r), p: Number(p) };
  if (![parameters.N, parameters.r, parameters.p].every((value) => Number.isInteger(value) && value > 0)) return false;
  const expected = Buffer.from(hash, 'base64url');
  const derived = await scrypt(secret, Buffer.from(salt, 'base64url'), parameters);
  return derived.length === expected.length && timingSafeEqual(derived, expected);
}
