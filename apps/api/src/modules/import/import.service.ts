// Imports embeddings computed elsewhere (e.g. by the paper's Python code on a GPU) into an
// imported embedding space: label-name, corpus and image vectors land in the same caches the
// encoders fill, so mining and evaluation run unchanged. Each import is one transaction.
import { asFloat32Matrix } from '@negmine/formats';
import type { ApiConfig } from '../../config';
import type { PrismaClient } from '../../db/prisma.service';
import { badInput, notFound } from '../../errors';
import { ImageSetKind, ModelKind } from '../common/enums';
import { importedCorpusRowInputHash, importedLabelInputHash, sha256Hex, vectorInputHash } from '../common/hashing';
import { readNpySource } from '../common/npy-source';
import { corpusVersionHash, type StoredCorpusEntry } from '../mining/corpus-store';
import { EmbeddingTarget, type ImportEmbeddingsInput } from './import.input';
import type { ImportEmbeddingsResult } from './import.type';

interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

const INSERT_CHUNK = 1000;

function rowBytes(matrix: Matrix, row: number): Uint8Array<ArrayBuffer> {
  const copy = matrix.data.slice(row * matrix.cols, (row + 1) * matrix.cols);
  return new Uint8Array(copy.buffer);
}

export class ImportService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly config: Pick<ApiConfig, 'importRoots'>,
  ) {}

  async importEmbeddings(input: ImportEmbeddingsInput): Promise<ImportEmbeddingsResult> {
    const model = await this.prisma.encoderModel.findUnique({ where: { id: input.modelId } });
    if (model === null) throw notFound('model', input.modelId);
    if (model.kind !== ModelKind.imported_space) {
      throw badInput(`model '${model.name}' is an ONNX model, which encodes its own inputs; import into a model registered with importedEmbeddingDim`);
    }
    const matrix = await this.readMatrix(input);
    if (matrix.cols !== model.embeddingDim) {
      throw badInput(`the .npy rows have ${matrix.cols} values but model '${model.name}' has embeddingDim ${model.embeddingDim}`);
    }
    switch (input.target) {
      case EmbeddingTarget.label_names:
        return this.importLabelNames(input, model.contentHash, matrix);
      case EmbeddingTarget.corpus:
        return this.importCorpus(input, model.contentHash, matrix);
      case EmbeddingTarget.image_set:
        return this.importImageSet(input, model.id, model.contentHash, matrix);
    }
  }

  private async readMatrix(input: ImportEmbeddingsInput): Promise<Matrix> {
    const matrix = asFloat32Matrix(await readNpySource(input, this.config.importRoots, 'the .npy'), 'imported embeddings');
    for (let i = 0; i < matrix.data.length; i++) {
      if (!Number.isFinite(matrix.data[i]!)) throw badInput(`imported embeddings hold a non-finite value at row ${Math.floor(i / matrix.cols)}`);
    }
    return matrix;
  }

  private async importLabelNames(input: ImportEmbeddingsInput, modelHash: string, matrix: Matrix): Promise<ImportEmbeddingsResult> {
    if (input.labelSetId === undefined) throw badInput('target label_names needs labelSetId');
    const labelSet = await this.prisma.labelSet.findUnique({ where: { id: input.labelSetId } });
    if (labelSet === null) throw notFound('label set', input.labelSetId);
    const rowLabels = input.rowLabels ?? labelSet.labels;
    if (rowLabels.length !== matrix.rows) {
      throw badInput(`the .npy has ${matrix.rows} rows but ${rowLabels.length} labels were given for them (rowLabels, or the label set's labels)`);
    }
    const missing = labelSet.labels.filter((label) => !rowLabels.includes(label));
    const unknown = rowLabels.filter((label) => !labelSet.labels.includes(label));
    if (missing.length > 0 || unknown.length > 0) {
      throw badInput(`rowLabels must be exactly the label set's labels in some order; missing: [${missing.slice(0, 5).join(', ')}], unknown: [${unknown.slice(0, 5).join(', ')}]`);
    }
    await this.prisma.$transaction(async (tx) => {
      const data = rowLabels.map((label, row) => ({ modelHash, inputHash: importedLabelInputHash(label), vector: rowBytes(matrix, row) }));
      await tx.textEmbedding.deleteMany({ where: { modelHash, inputHash: { in: data.map((d) => d.inputHash) } } });
      await tx.textEmbedding.createMany({ data });
    });
    return { target: input.target, rows: matrix.rows, embeddingDim: matrix.cols, labelSetId: labelSet.id };
  }

  private async importCorpus(input: ImportEmbeddingsInput, modelHash: string, matrix: Matrix): Promise<ImportEmbeddingsResult> {
    const entries: StoredCorpusEntry[] | undefined = input.corpusEntries?.map((entry) => ({
      word: entry.word,
      pos: entry.pos as StoredCorpusEntry['pos'],
      lexname: entry.lexname ?? null,
    }));
    if (entries === undefined) throw badInput('target corpus needs corpusEntries (the word and part of speech of each row)');
    if (entries.length !== matrix.rows) throw badInput(`the .npy has ${matrix.rows} rows but ${entries.length} corpusEntries were given`);
    const versionHash = corpusVersionHash('imported', entries);
    const corpus = await this.prisma.$transaction(
      async (tx) => {
        const row = await tx.corpus.upsert({
          where: { versionHash },
          create: { versionHash, source: 'imported', options: {}, entryCount: entries.length, entries: entries as never },
          update: {},
        });
        const data = entries.map((_, i) => ({ modelHash, inputHash: importedCorpusRowInputHash(versionHash, i), vector: rowBytes(matrix, i) }));
        for (let start = 0; start < data.length; start += INSERT_CHUNK) {
          const chunk = data.slice(start, start + INSERT_CHUNK);
          await tx.textEmbedding.deleteMany({ where: { modelHash, inputHash: { in: chunk.map((d) => d.inputHash) } } });
          await tx.textEmbedding.createMany({ data: chunk });
        }
        return row;
      },
      { timeout: 120_000 },
    );
    return { target: input.target, rows: matrix.rows, embeddingDim: matrix.cols, corpusId: corpus.id };
  }

  private async importImageSet(input: ImportEmbeddingsInput, modelId: string, modelHash: string, matrix: Matrix): Promise<ImportEmbeddingsResult> {
    if (input.imageSetName === undefined) throw badInput('target image_set needs imageSetName');
    if ((await this.prisma.imageSet.findUnique({ where: { name: input.imageSetName } })) !== null) {
      throw badInput(`an image set named '${input.imageSetName}' already exists; choose another imageSetName`);
    }
    const hashes: string[] = [];
    for (let row = 0; row < matrix.rows; row++) hashes.push(vectorInputHash(matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols)));
    const imageSet = await this.prisma.$transaction(
      async (tx) => {
        const created = await tx.imageSet.create({
          data: { name: input.imageSetName!, kind: ImageSetKind.imported, modelId, imageCount: matrix.rows, contentHash: sha256Hex(hashes.join('\n')) },
        });
        for (let start = 0; start < matrix.rows; start += INSERT_CHUNK) {
          const end = Math.min(matrix.rows, start + INSERT_CHUNK);
          const positions = Array.from({ length: end - start }, (_, k) => start + k);
          await tx.imageSetItem.createMany({ data: positions.map((position) => ({ imageSetId: created.id, position, inputHash: hashes[position]! })) });
          await tx.imageEmbedding.createMany({
            data: positions.map((position) => ({ modelHash, inputHash: hashes[position]!, vector: rowBytes(matrix, position) })),
            skipDuplicates: true,
          });
        }
        return created;
      },
      { timeout: 120_000 },
    );
    return { target: input.target, rows: matrix.rows, embeddingDim: matrix.cols, imageSetId: imageSet.id };
  }
}
