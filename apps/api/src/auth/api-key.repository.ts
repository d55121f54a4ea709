// The `api_keys` table: the only place that calls Prisma for API keys. Reads never return the
// secret hash except where a presented key is verified.
import type { PrismaClient } from '../db/prisma.service';
import type { Role } from './roles';

export interface ApiKeyRow {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly lookupId: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaClient) {}

  insert(data: { name: string; role: Role; lookupId: string; secretHash: string }): Promise<ApiKeyRow> {
    return this.prisma.apiKey.create({ data, omit: { secretHash: true } });
  }

  list(includeRevoked: boolean): Promise<ApiKeyRow[]> {
    return this.prisma.apiKey.findMany({
      where: includeRevoked ? {} : { revokedAt: null },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      omit: { secretHash: true },
    });
  }

  countActive(): Promise<number> {
    return this.prisma.apiKey.count({ where: { revokedAt: null } });
  }

  /** Active keys whose id (when a uuid), lookup id or name is `idOrName`. */
  findActiveMatching(idOrName: string, isUuid: boolean): Promise<ApiKeyRow[]> {
    return this.prisma.apiKey.findMany({
      where: {
        revokedAt: null,
        OR: [...(isUuid ? [{ id: idOrName }] : []), { lookupId: idOrName }, { name: idOrName }],
      },
      omit: { secretHash: true },
    });
  }

  markRevoked(id: string, at: Date): Promise<ApiKeyRow> {
    return this.prisma.apiKey.update({ where: { id }, data: { revokedAt: at }, omit: { secretHash: true } });
  }

  /** The row with its secret hash, for verifying a presented key. */
  findForVerification(lookupId: string): Promise<(ApiKeyRow & { readonly secretHash: string }) | null> {
    return this.prisma.apiKey.findUnique({ where: { lookupId } });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: at }, select: { id: true } });
  }
}
