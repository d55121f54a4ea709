// Data access of the label-set feature. The only file of the feature that calls Prisma.
import type { Db, PrismaClient } from '../../db/prisma.service';
import { Prisma } from '../../db/prisma.service';
import { conflict, type ApiError } from '../../errors';
import type { LabelSet } from './label-set.type';

/** The CONFLICT of a taken name: what the service checks first, and what a lost race (P2002) becomes. */
export function nameTaken(name: string): ApiError {
  return conflict(`a label set named '${name.slice(0, 200)}' already exists; choose another name or update that one`, {
    reason: 'NAME_TAKEN',
  });
}

/** Runs a write; a unique-constraint violation on the name (a concurrent create or rename won) is CONFLICT, not a 500. */
async function uniqueName<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (name !== undefined && error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      throw nameTaken(name);
    throw error;
  }
}

export class LabelSetRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(data: { name: string; labels: string[]; promptTemplates: string[] }): Promise<LabelSet> {
    return uniqueName(data.name, () => this.prisma.labelSet.create({ data }));
  }

  update(
    id: string,
    data: { name?: string; labels?: string[]; promptTemplates?: string[]; archived?: boolean },
  ): Promise<LabelSet> {
    return uniqueName(data.name, () => this.prisma.labelSet.update({ where: { id }, data }));
  }

  find(id: string, db: Db = this.prisma): Promise<LabelSet | null> {
    return db.labelSet.findUnique({ where: { id } });
  }

  byName(name: string): Promise<LabelSet | null> {
    return this.prisma.labelSet.findUnique({ where: { name } });
  }

  byIds(ids: readonly string[]): Promise<LabelSet[]> {
    return this.prisma.labelSet.findMany({ where: { id: { in: [...ids] } } });
  }

  list(includeArchived: boolean): Promise<LabelSet[]> {
    return this.prisma.labelSet.findMany({
      where: includeArchived ? {} : { archived: false },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  count(): Promise<number> {
    return this.prisma.labelSet.count();
  }

  /**
   * Deletes a label set with its runs, in one transaction; `allowed` sees the numbers of runs
   * first and may refuse by throwing (a set with runs must be archived first).
   */
  deleteWithRuns(
    id: string,
    allowed: (runs: { miningRuns: number; evaluationRuns: number }) => void,
  ): Promise<LabelSet> {
    return this.prisma.$transaction(async (tx) => {
      const [miningRuns, evaluationRuns] = await Promise.all([
        tx.miningRun.count({ where: { labelSetId: id } }),
        tx.evaluationRun.count({ where: { labelSetId: id } }),
      ]);
      allowed({ miningRuns, evaluationRuns });
      await tx.evaluationRun.deleteMany({ where: { OR: [{ labelSetId: id }, { miningRun: { labelSetId: id } }] } });
      await tx.miningRun.deleteMany({ where: { labelSetId: id } });
      return tx.labelSet.delete({ where: { id } });
    });
  }
}
