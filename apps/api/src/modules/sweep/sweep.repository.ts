// Data access of sweeps: the sweeps table (launch, lookups, a keyset page, the job's read). Its
// children are evaluation runs, written through the evaluation repository.
import type { PrismaClient } from '../../db/prisma.service';
import { Prisma } from '../../db/prisma.service';

export type SweepRow = Prisma.SweepGetPayload<object>;
export type SweepForJob = Prisma.SweepGetPayload<{ include: { model: true; labelSet: true; miningRun: true } }>;

export class SweepRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records a sweep unless its idempotency key was taken meanwhile (then returns the winner). */
  async createUnlessKeyTaken(
    data: Prisma.SweepUncheckedCreateInput,
  ): Promise<{ sweep: SweepRow } | { winner: SweepRow }> {
    try {
      return { sweep: await this.prisma.sweep.create({ data }) };
    } catch (error) {
      if (
        error instanceof Prisma.PrismaClientKnownRequestError &&
        error.code === 'P2002' &&
        typeof data.idempotencyKey === 'string'
      ) {
        const winner = await this.byIdempotencyKey(data.idempotencyKey);
        if (winner !== null) return { winner };
      }
      throw error;
    }
  }

  find(id: string): Promise<SweepRow | null> {
    return this.prisma.sweep.findUnique({ where: { id } });
  }

  byIdempotencyKey(key: string): Promise<SweepRow | null> {
    return this.prisma.sweep.findUnique({ where: { idempotencyKey: key } });
  }

  forJob(id: string): Promise<SweepForJob> {
    return this.prisma.sweep.findUniqueOrThrow({
      where: { id },
      include: { model: true, labelSet: true, miningRun: true },
    });
  }

  /** Newest first, (createdAt, id) keyset after `after`. */
  async page(
    take: number,
    after: { createdAt: Date; id: string } | undefined,
    withCount: boolean,
  ): Promise<{ rows: SweepRow[]; totalCount: number }> {
    const where: Prisma.SweepWhereInput =
      after === undefined
        ? {}
        : { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] };
    const [rows, totalCount] = await Promise.all([
      this.prisma.sweep.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take }),
      withCount ? this.prisma.sweep.count() : Promise.resolve(-1),
    ]);
    return { rows, totalCount };
  }
}
