// API keys in the `api_keys` table: create (the key is returned once, only its hash is stored),
// list, revoke, and verify a presented key. A verified key is cached for a few seconds (scrypt costs
// tens of ms, far too much per request); revocation therefore takes effect within `cacheTtlMs`, in
// every process. The last-used time is written at most once a minute per key, off the request path.
import { createHash } from 'node:crypto';
import { newKey, parseKey } from './api-key-format';
import type { ApiKeyRepository, ApiKeyRow } from './api-key.repository';
import { unauthenticated } from './auth-errors';
import { isRole, type Role } from './roles';
import { DEFAULT_SCRYPT, hashSecret, verifySecret, type ScryptParameters } from './secret-hash';

export interface ApiKeyInfo {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** The public part of the key (`nmk_<lookupId>_…`), to tell keys apart in lists. */
  readonly lookupId: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

/** Who is calling: a verified key, or nobody (open mode on loopback, or a public route). */
export interface KeyPrincipal {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
}

export class ApiKeyInputError extends Error {
  override readonly name = 'ApiKeyInputError';

  constructor(
    readonly code: 'BAD_KEY_NAME' | 'BAD_ROLE' | 'KEY_NOT_FOUND' | 'AMBIGUOUS_KEY_NAME',
    message: string,
  ) {
    super(message);
  }
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$/;

export interface ApiKeyStoreOptions {
  readonly cacheTtlMs?: number;
  readonly lastUsedEveryMs?: number;
  readonly scrypt?: ScryptParameters;
  readonly now?: () => number;
  /** Checks a secret against a stored hash (default: scrypt, secret-hash.ts); specs count the calls. */
  readonly verifySecret?: (secret: string, stored: string) => Promise<boolean>;
}

interface CachedKey {
  readonly principal: KeyPrincipal;
  readonly until: number;
  /** The stored hash the presented secret was proven against: while the row keeps it, no scrypt again. */
  readonly secretHash: string;
}

function info(row: ApiKeyRow): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    lookupId: row.lookupId,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export class ApiKeyStore {
  private readonly verified = new Map<string, CachedKey>();
  /** Verifications under way per presented key: concurrent requests with one key share one. */
  private readonly verifying = new Map<string, Promise<KeyPrincipal>>();
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly cacheTtlMs: number;
  private readonly lastUsedEveryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly options: ApiKeyStoreOptions = {},
  ) {
    this.cacheTtlMs = options.cacheTtlMs ?? 10_000;
    this.lastUsedEveryMs = options.lastUsedEveryMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Creates a key; the returned `key` is the only time the secret exists outside its holder. */
  async create(name: string, role: string): Promise<ApiKeyInfo & { readonly key: string }> {
    if (!NAME_PATTERN.test(name)) {
      throw new ApiKeyInputError(
        'BAD_KEY_NAME',
        'a key name is 1-64 characters: letters, digits, space, ".", "_" or "-", starting with a letter or digit',
      );
    }
    if (!isRole(role)) throw new ApiKeyInputError('BAD_ROLE', `unknown role; accepted: viewer, operator, admin`);
    const { key, lookupId, secret } = newKey();
    const secretHash = await hashSecret(secret, this.options.scrypt ?? DEFAULT_SCRYPT);
    const row = await this.keys.insert({ name, role, lookupId, secretHash });
    return { ...info(row), key };
  }

  async list(options: { includeRevoked?: boolean } = {}): Promise<ApiKeyInfo[]> {
    return (await this.keys.list(options.includeRevoked === true)).map(info);
  }

  /** Number of keys not revoked: with none, the service may only run in open mode on loopback. */
  async activeCount(): Promise<number> {
    return this.keys.countActive();
  }

  /** Revokes the active key with this id, lookup id or (unique among active keys) name. */
  async revoke(idOrName: string): Promise<ApiKeyInfo> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName);
    const candidates = await this.keys.findActiveMatching(idOrName, isUuid);
    if (candidates.length === 0)
      throw new ApiKeyInputError(
        'KEY_NOT_FOUND',
        `no active API key has the id, lookup id or name '${idOrName.slice(0, 64)}'; 'npm run keys -- list' shows them`,
      );
    if (candidates.length > 1)
      throw new ApiKeyInputError(
        'AMBIGUOUS_KEY_NAME',
        `${candidates.length} active keys are named '${idOrName.slice(0, 64)}'; revoke one by its id ('npm run keys -- list')`,
      );
    const row = await this.keys.markRevoked(candidates[0]!.id, new Date(this.now()));
    for (const [digest, cached] of this.verified) if (cached.principal.keyId === row.id) this.verified.delete(digest);
    return info(row);
  }

  /**
   * The principal of a presented key; UNAUTHENTICATED (without saying which part was wrong)
   * otherwise. When a verified key's cache entry expires, its row is read again (revocation, role)
   * but the secret is not hashed again while the row holds the hash it was proven against: with
   * hundreds of requests in flight, an expiry would otherwise cost one scrypt each, all at once.
   */
  async verify(presented: string): Promise<KeyPrincipal> {
    const digest = createHash('sha256').update(presented).digest('base64url');
    const now = this.now();
    const cached = this.verified.get(digest);
    if (cached !== undefined && cached.until > now) {
      this.touch(cached.principal.keyId, now);
      return cached.principal;
    }
    const pending = this.verifying.get(digest);
    if (pending !== undefined) return pending;
    const verification = this.verifyWithDatabase(presented, digest, cached, now).finally(() =>
      this.verifying.delete(digest),
    );
    this.verifying.set(digest, verification);
    return verification;
  }

  private async verifyWithDatabase(
    presented: string,
    digest: string,
    expired: CachedKey | undefined,
    now: number,
  ): Promise<KeyPrincipal> {
    this.verified.delete(digest);
    const parts = parseKey(presented);
    if (parts === undefined) throw unauthenticated('the API key is malformed');
    const row = await this.keys.findForVerification(parts.lookupId);
    // The hash is checked even for a revoked key, so timing does not tell revoked from valid (a
    // presenter whose secret was already proven learns nothing from a skipped hash).
    const matches =
      row !== null &&
      (expired?.secretHash === row.secretHash ||
        (await (this.options.verifySecret ?? verifySecret)(parts.secret, row.secretHash)));
    if (row === null || !matches || row.revokedAt !== null || !isRole(row.role))
      throw unauthenticated('the API key is unknown or revoked');
    const principal: KeyPrincipal = { keyId: row.id, name: row.name, role: row.role };
    if (this.verified.size > 10_000) this.verified.clear();
    this.verified.set(digest, { principal, until: now + this.cacheTtlMs, secretHash: row.secretHash });
    this.touch(row.id, now);
    return principal;
  }

  private touch(keyId: string, now: number): void {
    const last = this.lastUsedWritten.get(keyId);
    if (last !== undefined && now - last < this.lastUsedEveryMs) return;
    this.lastUsedWritten.set(keyId, now);
    void this.keys.touch(keyId, new Date(now)).catch(() => undefined);
  }
}
