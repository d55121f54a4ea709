// Data access of the image-set feature: image sets and their ordered items. The only file of the
// feature that calls Prisma.
import type { Db, PrismaClient } from '../../db/prisma.service';
import type { Prisma } from '../../db/prisma.service';
import type { ImageSet } from './image-set.type';

export class ImageSetRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(data: Prisma.ImageSetCreateInput): Promise<ImageSet> {
    return this.prisma.imageSet.create({ data });
  }

  find(id: string, db: Db = this.prisma): Promise<ImageSet | null> {
    return db.imageSet.findUnique({ where: { id } });
  }

  byName(name: string): Promise<ImageSet | null> {
    return this.prisma.imageSet.findUnique({ where: { name } });
  }

  byIds(ids: readonly string[]): Promise<ImageSet[]> {
    return this.prisma.imageSet.findMany({ where: { id: { in: [...ids] } } });
  }

  list(): Promise<ImageSet[]> {
    return this.prisma.imageSet.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  /** The content hashes of a set's items in position order (the embedding cache keys). */
  async itemHashes(imageSetId: string): Promise<string[]> {
    const items = await this.prisma.imageSetItem.findMany({
      where: { imageSetId },
      orderBy: { position: 'asc' },
      select: { inputHash: true },
    });
    return items.map((item) => item.inputHash);
  }

  /** Items [start, end) of a set, in position order. */
  items(
    imageSetId: string,
    start: number,
    end: number,
  ): Promise<{ position: number; path: string | null; inputHash: string }[]> {
    return this.prisma.imageSetItem.findMany({
      where: { imageSetId, position: { gte: start, lt: end } },
      orderBy: { position: 'asc' },
      select: { position: true, path: true, inputHash: true },
    });
  }
}
