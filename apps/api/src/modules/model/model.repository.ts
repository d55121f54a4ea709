// Data access of the model feature: registered encoder models. The only file of the feature that calls Prisma.
import type { Db, PrismaClient } from '../../db/prisma.service';
import type { Prisma } from '../../db/prisma.service';
import type { EncoderModel } from './model.type';

export class ModelRepository {
  constructor(private readonly prisma: PrismaClient) {}

  create(data: Prisma.EncoderModelCreateInput): Promise<EncoderModel> {
    return this.prisma.encoderModel.create({ data });
  }

  find(id: string, db: Db = this.prisma): Promise<EncoderModel | null> {
    return db.encoderModel.findUnique({ where: { id } });
  }

  byName(name: string): Promise<EncoderModel | null> {
    return this.prisma.encoderModel.findUnique({ where: { name } });
  }

  byIds(ids: readonly string[]): Promise<EncoderModel[]> {
    return this.prisma.encoderModel.findMany({ where: { id: { in: [...ids] } } });
  }

  list(): Promise<EncoderModel[]> {
    return this.prisma.encoderModel.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }
}
