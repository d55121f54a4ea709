// Data access of the import feature: each import writes its vectors (and the corpus or image set
// they belong to) in one transaction. The only file of the feature that calls Prisma.
import type { PrismaClient } from '../../db/prisma.service';
import type { StoredCorpusEntry } from '../../shared/corpus-store';
import { ImageSetKind } from '../../shared/enums';

const INSERT_CHUNK = 1000;

export interface VectorRow {
  readonly inputHash: string;
  readonly vector: Uint8Array<ArrayBuffer>;
}

export class ImportRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Replaces the text vectors of these keys (a re-import of label names overwrites the old ones). */
  async replaceTextVectors(modelHash: string, rows: readonly VectorRow[]): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const data = rows.map((row) => ({ modelHash, inputHash: row.inputHash, vector: row.vector }));
      await tx.textEmbedding.deleteMany({ where: { modelHash, inputHash: { in: data.map((d) => d.inputHash) } } });
      await tx.textEmbedding.createMany({ data });
    });
  }

  /** The corpus (kept when it exists: its hash is its identity) and its row vectors in this space. */
  async importCorpus(
    corpus: { versionHash: string; source: string; entries: readonly StoredCorpusEntry[] },
    modelHash: string,
    rows: readonly VectorRow[],
  ): Promise<{ id: string }> {
    const { versionHash } = corpus;
    return this.prisma.$transaction(
      async (tx) => {
        const row = await tx.corpus.upsert({
          where: { versionHash },
          create: {
            versionHash,
            source: corpus.source,
            options: {},
            entryCount: corpus.entries.length,
            entries: corpus.entries as never,
          },
          update: {},
        });
        const data = rows.map((vector) => ({ modelHash, inputHash: vector.inputHash, vector: vector.vector }));
        for (let start = 0; start < data.length; start += INSERT_CHUNK) {
          const chunk = data.slice(start, start + INSERT_CHUNK);
          await tx.textEmbedding.deleteMany({ where: { modelHash, inputHash: { in: chunk.map((d) => d.inputHash) } } });
          await tx.textEmbedding.createMany({ data: chunk });
        }
        return row;
      },
      { timeout: 120_000 },
    );
  }

  /** The model's noise-image vectors (existing keys are kept) and their keys, in row order, on the model. */
  async importNoise(modelId: string, modelHash: string, rows: readonly VectorRow[]): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.imageEmbedding.createMany({
        data: rows.map((row) => ({ modelHash, inputHash: row.inputHash, vector: row.vector })),
        skipDuplicates: true,
      });
      await tx.encoderModel.update({
        where: { id: modelId },
        data: { noiseInputHashes: rows.map((row) => row.inputHash) },
      });
    });
  }

  /** An imported image set: its items (row order) and their vectors (existing keys are kept). */
  async importImageSet(
    set: { name: string; modelId: string; contentHash: string },
    modelHash: string,
    rows: readonly VectorRow[],
  ): Promise<{ id: string }> {
    return this.prisma.$transaction(
      async (tx) => {
        const created = await tx.imageSet.create({
          data: {
            name: set.name,
            kind: ImageSetKind.imported,
            modelId: set.modelId,
            imageCount: rows.length,
            contentHash: set.contentHash,
          },
        });
        for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
          const chunk = rows.slice(start, start + INSERT_CHUNK);
          await tx.imageSetItem.createMany({
            data: chunk.map((row, k) => ({ imageSetId: created.id, position: start + k, inputHash: row.inputHash })),
          });
          await tx.imageEmbedding.createMany({
            data: chunk.map((row) => ({ modelHash, inputHash: row.inputHash, vector: row.vector })),
            skipDuplicates: true,
          });
        }
        return created;
      },
      { timeout: 120_000 },
    );
  }
}
