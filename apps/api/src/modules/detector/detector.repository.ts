// Data access of the detector feature: detectors (immutable rows, created in one statement inside
// one transaction), the label rows of their inputs and the stored per-image scores of the
// evaluation a detector is created from. The only file of the feature that calls Prisma.
import type { PrismaClient } from '../../db/prisma.service';
import type { Prisma } from '../../db/prisma.service';

export type DetectorRow = Omit<Prisma.DetectorGetPayload<object>, 'onnx' | 'manifestJson'>;
export type DetectorInsert = Prisma.DetectorUncheckedCreateInput;

/** Every column but the file bytes (read only by downloads and the session cache). */
const WITHOUT_FILES = { onnx: true, manifestJson: true } as const;

export class DetectorRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records a detector in one transaction (the row holds its files, metrics and provenance). */
  create(data: DetectorInsert): Promise<DetectorRow> {
    return this.prisma.$transaction((tx) => tx.detector.create({ data, omit: WITHOUT_FILES }));
  }

  find(id: string): Promise<DetectorRow | null> {
    return this.prisma.detector.findUnique({ where: { id }, omit: WITHOUT_FILES });
  }

  onnx(
    id: string,
  ): Promise<{ onnx: Uint8Array; embeddingDim: number; labels: string[]; modelId: string; modelHash: string } | null> {
    return this.prisma.detector.findUnique({
      where: { id },
      select: { onnx: true, embeddingDim: true, labels: true, modelId: true, modelHash: true },
    });
  }

  manifest(id: string): Promise<{ manifestJson: string } | null> {
    return this.prisma.detector.findUnique({ where: { id }, select: { manifestJson: true } });
  }

  async page(
    where: Prisma.DetectorWhereInput,
    keyset: Prisma.DetectorWhereInput,
    take: number,
    withCount: boolean,
  ): Promise<{ rows: DetectorRow[]; totalCount: number }> {
    const [rows, totalCount] = await Promise.all([
      this.prisma.detector.findMany({
        where: { AND: [where, keyset] },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take,
        omit: WITHOUT_FILES,
      }),
      withCount ? this.prisma.detector.count({ where }) : Promise.resolve(0),
    ]);
    return { rows, totalCount };
  }

  /** True when a row was deleted. */
  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.detector.deleteMany({ where: { id } });
    return count > 0;
  }

  /** The per-image float32 scores an evaluation stored, per image set. */
  async sampleScores(evaluationRunId: string): Promise<Map<string, Float32Array>> {
    const rows = await this.prisma.sampleScores.findMany({ where: { evaluationRunId } });
    return new Map(rows.map((row) => [row.imageSetId, new Float32Array(Uint8Array.from(row.scores).buffer)]));
  }
}
