// API keys against a real Postgres schema: created keys verify, only hashes are stored, revocation
// and bad keys answer UNAUTHENTICATED, the verification cache expires, last-used is recorded and
// throttled, and the keys command prints a key once and manages them.
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyInputError, ApiKeyStore } from './api-key.store';
import { AuthError } from './auth-errors';
import { verifySecret } from './secret-hash';
import { runKeysCommand } from './keys-command';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('ApiKeyStore (Postgres)', () => {
  let db: TestDatabase;
  let clock: number;
  let store: ApiKeyStore;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  beforeEach(async () => {
    await db.prisma.apiKey.deleteMany({});
    clock = Date.parse('2026-12-01T00:00:00Z');
    store = new ApiKeyStore(new ApiKeyRepository(db.prisma), {
      scrypt: FAST,
      cacheTtlMs: 5_000,
      lastUsedEveryMs: 60_000,
      now: () => clock,
    });
  });

  async function lastUsed(id: string): Promise<Date | null> {
    // The write is fire-and-forget: give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return (await db.prisma.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt;
  }

  it('creates a key that verifies with its role, storing only a hash of the secret', async () => {
    const created = await store.create('ci', 'operator');
    expect(created.key).toMatch(/^nmk_[0-9a-f]{24}_/);
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secretHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(row)).not.toContain(created.key.slice(-43));
    await expect(store.verify(created.key)).resolves.toEqual({ keyId: created.id, name: 'ci', role: 'operator' });
    expect(await store.activeCount()).toBe(1);
  });

  it('answers UNAUTHENTICATED for malformed, unknown, tampered and revoked keys', async () => {
    const created = await store.create('ci', 'viewer');
    const tampered = `${created.key.slice(0, -1)}${created.key.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of ['nope', `nmk_${'0'.repeat(24)}_${'A'.repeat(43)}`, tampered]) {
      await expect(store.verify(bad)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    await store.verify(created.key);
    await store.revoke(created.id);
    // Revoked in this process: the cache entry goes at once.
    await expect(store.verify(created.key)).rejects.toBeInstanceOf(AuthError);
    expect(await store.activeCount()).toBe(0);
  });

  it('another process sees a revocation once its cache entry expires', async () => {
    const created = await store.create('ci', 'viewer');
    const other = new ApiKeyStore(new ApiKeyRepository(db.prisma), {
      scrypt: FAST,
      cacheTtlMs: 5_000,
      now: () => clock,
    });
    await other.verify(created.key);
    await store.revoke('ci');
    await expect(other.verify(created.key)).resolves.toMatchObject({ keyId: created.id });
    clock += 5_001;
    await expect(other.verify(created.key)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('an expired entry re-reads the row without hashing again, and concurrent requests share one verification', async () => {
    const hashes = jest.fn(verifySecret);
    store = new ApiKeyStore(new ApiKeyRepository(db.prisma), {
      scrypt: FAST,
      cacheTtlMs: 5_000,
      now: () => clock,
      verifySecret: hashes,
    });
    const created = await store.create('ci', 'viewer');
    const reads = jest.spyOn(ApiKeyRepository.prototype, 'findForVerification');
    try {
      const first = await Promise.all(Array.from({ length: 50 }, () => store.verify(created.key)));
      expect(new Set(first.map((principal) => principal.keyId))).toEqual(new Set([created.id]));
      expect(hashes).toHaveBeenCalledTimes(1);
      expect(reads).toHaveBeenCalledTimes(1);
      // Expired: 50 requests at once read the row once and hash nothing.
      clock += 5_001;
      await Promise.all(Array.from({ length: 50 }, () => store.verify(created.key)));
      expect(hashes).toHaveBeenCalledTimes(1);
      expect(reads).toHaveBeenCalledTimes(2);
      // A revocation seen on re-reading still refuses every one of them.
      await db.prisma.apiKey.update({ where: { id: created.id }, data: { revokedAt: new Date(clock) } });
      clock += 5_001;
      const refused = await Promise.allSettled(Array.from({ length: 10 }, () => store.verify(created.key)));
      expect(refused.every((r) => r.status === 'rejected' && (r.reason as AuthError).code === 'UNAUTHENTICATED')).toBe(
        true,
      );
      // A key whose stored hash changed is hashed again (here: against a hash it does not match).
      await db.prisma.apiKey.update({ where: { id: created.id }, data: { revokedAt: null } });
      await expect(store.verify(created.key)).resolves.toMatchObject({ keyId: created.id });
      const hashCount = hashes.mock.calls.length;
      await db.prisma.apiKey.update({ where: { id: created.id }, data: { secretHash: 'scrypt$1024$8$1$AAAA$AAAA' } });
      clock += 5_001;
      await expect(store.verify(created.key)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(hashes.mock.calls.length).toBe(hashCount + 1);
    } finally {
      reads.mockRestore();
    }
  });

  it('records the last use, at most once a minute', async () => {
    const created = await store.create('ci', 'viewer');
    expect(created.lastUsedAt).toBeNull();
    await store.verify(created.key);
    expect((await lastUsed(created.id))?.getTime()).toBe(clock);
    const first = clock;
    clock += 30_000;
    await store.verify(created.key);
    expect((await lastUsed(created.id))?.getTime()).toBe(first);
    clock += 31_000;
    await store.verify(created.key);
    expect((await lastUsed(created.id))?.getTime()).toBe(clock);
  });

  it('lists and revokes by id, lookup id or unique name; refuses bad names, roles and ambiguity', async () => {
    const a = await store.create('ci', 'viewer');
    const b = await store.create('ci', 'admin');
    await expect(store.create('', 'viewer')).rejects.toMatchObject({ code: 'BAD_KEY_NAME' });
    await expect(store.create('x'.repeat(65), 'viewer')).rejects.toMatchObject({ code: 'BAD_KEY_NAME' });
    await expect(store.create('ok', 'root')).rejects.toMatchObject({ code: 'BAD_ROLE' });
    await expect(store.revoke('ci')).rejects.toMatchObject({ code: 'AMBIGUOUS_KEY_NAME' });
    await expect(store.revoke('missing')).rejects.toBeInstanceOf(ApiKeyInputError);
    expect((await store.list()).map((key) => key.id)).toEqual([a.id, b.id]);
    await store.revoke(b.lookupId);
    expect((await store.list()).map((key) => key.id)).toEqual([a.id]);
    expect((await store.list({ includeRevoked: true })).find((key) => key.id === b.id)?.revokedAt).not.toBeNull();
    await store.revoke('ci');
    await expect(store.revoke(a.id)).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' });
  });

  it('the keys command prints a created key once, lists without secrets, revokes, and exits 2 on bad usage', async () => {
    const lines: string[] = [];
    const notes: string[] = [];
    const out = { stdout: (text: string) => lines.push(text), stderr: (text: string) => notes.push(text) };
    expect(await runKeysCommand(['create', '--role', 'operator', '--name', 'ci'], store, out)).toBe(0);
    const created = JSON.parse(lines.pop()!) as { key: string; id: string; role: string };
    expect(created.role).toBe('operator');
    expect(notes.pop()).toMatch(/not shown again/);
    await expect(store.verify(created.key)).resolves.toMatchObject({ role: 'operator' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await runKeysCommand(['list'], store, out)).toBe(0);
    const listed = lines.pop()!;
    expect(JSON.parse(listed)).toEqual([
      expect.objectContaining({ id: created.id, name: 'ci', role: 'operator', lastUsedAt: expect.any(String) }),
    ]);
    expect(listed).not.toContain(created.key.slice(-43));
    expect(await runKeysCommand(['revoke', created.id], store, out)).toBe(0);
    await expect(store.verify(created.key)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    for (const bad of [
      [],
      ['create', '--role', 'operator'],
      ['create', '--role', 'god', '--name', 'x'],
      ['revoke'],
      ['list', '--bogus'],
      ['explode'],
    ]) {
      expect(await runKeysCommand(bad, store, out)).toBe(2);
      expect(notes.pop()).toMatch(/usage: npm run keys/);
    }
  });
});
