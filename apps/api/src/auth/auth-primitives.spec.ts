// Roles, key format, secret hashing, credential extraction, open-mode rule and route lookup.
import { accessModeFor, AccessModeError, isLoopbackHost } from './access-mode';
import { routeAccess } from './api-access-policy';
import { newKey, parseKey } from './api-key-format';
import { AuthError } from './auth-errors';
import { OPEN_CALLER } from './caller';
import { authenticate, bearerKey, connectionParamsKey } from './credentials';
import { allows } from './roles';
import { hashSecret, verifySecret } from './secret-hash';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('roles', () => {
  it('orders viewer < operator < admin, and public needs nothing', () => {
    expect(allows('viewer', 'viewer')).toBe(true);
    expect(allows('viewer', 'operator')).toBe(false);
    expect(allows('operator', 'viewer')).toBe(true);
    expect(allows('operator', 'admin')).toBe(false);
    expect(allows('admin', 'operator')).toBe(true);
    expect(allows(undefined, 'viewer')).toBe(false);
    expect(allows(undefined, 'public')).toBe(true);
  });
});

describe('API key format', () => {
  it('round-trips and rejects anything else', () => {
    const { key, lookupId, secret } = newKey();
    expect(key).toMatch(/^nmk_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/);
    expect(parseKey(key)).toEqual({ lookupId, secret });
    expect(newKey().key).not.toBe(key);
    for (const bad of [
      '',
      'nmk_',
      `${key}x`,
      key.replace('nmk_', 'abc_'),
      `nmk_${lookupId.toUpperCase()}_${secret}`,
      ` ${key}`,
    ])
      expect(parseKey(bad)).toBeUndefined();
  });
});

describe('secret hashing (scrypt)', () => {
  it('verifies the secret, rejects others, salts every hash and stores its parameters', async () => {
    const hash = await hashSecret('s3cret', FAST);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifySecret('s3cret', hash)).toBe(true);
    expect(await verifySecret('s3cret!', hash)).toBe(false);
    expect(await hashSecret('s3cret', FAST)).not.toBe(hash);
    expect(await verifySecret('s3cret', 'plain')).toBe(false);
    expect(await verifySecret('s3cret', 'scrypt$x$8$1$aa$bb')).toBe(false);
  });

  it('uses the default (2^15) parameters when none are given', async () => {
    const hash = await hashSecret('default');
    expect(hash.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifySecret('default', hash)).toBe(true);
  });
});

describe('credentials', () => {
  it('reads Bearer keys from headers and graphql-ws connectionParams', () => {
    expect(bearerKey(undefined)).toBeUndefined();
    expect(bearerKey('Bearer abc')).toBe('abc');
    expect(bearerKey('bearer   abc ')).toBe('abc');
    expect(() => bearerKey('Basic abc')).toThrow(AuthError);
    expect(() => bearerKey('Bearer')).toThrow(/Bearer <key>/);
    expect(() => bearerKey(['Bearer a', 'Bearer b'])).toThrow(/more than one/);
    expect(connectionParamsKey(undefined)).toBeUndefined();
    expect(connectionParamsKey({})).toBeUndefined();
    expect(connectionParamsKey({ Authorization: 'Bearer k1' })).toBe('k1');
    expect(connectionParamsKey({ authorization: 'Bearer k2' })).toBe('k2');
    expect(() => connectionParamsKey({ Authorization: 42 })).toThrow(/not a string/);
  });

  it('lets keyless callers in only in open mode, and always verifies a key that is sent', async () => {
    const store = { verify: jest.fn(async (key: string) => ({ keyId: 'id', name: key, role: 'viewer' as const })) };
    await expect(authenticate(store, 'open', undefined)).resolves.toBe(OPEN_CALLER);
    await expect(authenticate(store, 'keys', undefined)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining('npm run keys -- create'),
    });
    await expect(authenticate(store, 'open', 'k')).resolves.toEqual({
      kind: 'key',
      keyId: 'id',
      name: 'k',
      role: 'viewer',
    });
    expect(store.verify).toHaveBeenCalledTimes(1);
  });
});

describe('open mode', () => {
  it('knows loopback hosts', () => {
    for (const host of [
      '127.0.0.1',
      '127.1.2.3',
      'localhost',
      'LOCALHOST',
      'api.localhost',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
    ])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '192.168.1.2',
      'example.com',
      'localhost.example.com',
      '128.0.0.1',
      '',
    ])
      expect(isLoopbackHost(host)).toBe(false);
  });

  it('is open only on loopback without keys, and refuses a non-loopback HOST without keys with the command to run', () => {
    expect(accessModeFor('127.0.0.1', 0)).toBe('open');
    expect(accessModeFor('127.0.0.1', 2)).toBe('keys');
    expect(accessModeFor('0.0.0.0', 1)).toBe('keys');
    expect(() => accessModeFor('0.0.0.0', 0)).toThrow(AccessModeError);
    expect(() => accessModeFor('0.0.0.0', 0)).toThrow(/npm run keys -- create --role admin --name/);
  });
});

describe('route access', () => {
  it('finds the declared access of a request and nothing for undeclared routes', () => {
    expect(routeAccess('GET', '/healthz')).toBe('public');
    expect(routeAccess('HEAD', '/healthz')).toBe('public');
    expect(routeAccess('GET', '/dashboard/app.js')).toBe('public');
    expect(routeAccess('POST', '/graphql')).toBe('viewer');
    expect(routeAccess('DELETE', '/graphql')).toBeUndefined();
    expect(routeAccess('GET', '/nope')).toBeUndefined();
  });
});
