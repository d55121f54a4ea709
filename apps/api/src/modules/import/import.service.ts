// Imports embeddings computed elsewhere (e.g. by the paper's Python code on a GPU) into an
// imported embedding space: label-name, corpus and image vectors land in the same caches the
// encoders fill, so mining and evaluation run unchanged. Each import is one transaction.
import { asFloat32Matrix } from '@negmine/formats';
import { NOISE_IMAGE_KINDS, NOISE_IMAGES_PER_KIND } from '@negmine/mining';
import type { ApiConfig } from '../../config';
import { badInput, notFound } from '../../errors';
import { ModelKind } from '../../shared/enums';
import { importedCorpusRowInputHash, importedLabelInputHash, sha256Hex, vectorInputHash } from '../../shared/hashing';
import { readNpySource } from '../../shared/npy-source';
import { corpusVersionHash, type StoredCorpusEntry } from '../../shared/corpus-store';
import type { ImageSetRepository } from '../image-set';
import type { LabelSetRepository } from '../label-set';
import type { ModelRepository } from '../model';
import type { ImportRepository } from './import.repository';
import { EmbeddingTarget, type ImportEmbeddingsInput } from './import.input';
import type { ImportEmbeddingsResult } from './import.type';

/** Noise images of the official TANL protocol (NOISE_IMAGE_KINDS × NOISE_IMAGES_PER_KIND). */
const NOISE_IMAGE_COUNT = NOISE_IMAGE_KINDS.length * NOISE_IMAGES_PER_KIND;

interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

function rowBytes(matrix: Matrix, row: number): Uint8Array<ArrayBuffer> {
  const copy = matrix.data.slice(row * matrix.cols, (row + 1) * matrix.cols);
  return new Uint8Array(copy.buffer);
}

export class ImportService {
  constructor(
    private readonly repository: ImportRepository,
    private readonly models: ModelRepository,
    private readonly labelSets: LabelSetRepository,
    private readonly imageSets: ImageSetRepository,
    private readonly config: Pick<ApiConfig, 'importRoots'>,
  ) {}

  async importEmbeddings(input: ImportEmbeddingsInput): Promise<ImportEmbeddingsResult> {
    const model = await this.models.find(input.modelId);
    if (model === null) throw notFound('model', input.modelId);
    if (model.kind !== ModelKind.imported_space) {
      throw badInput(
        `model '${model.name}' is an ONNX model, which encodes its own inputs; import into a model registered with importedEmbeddingDim`,
      );
    }
    const matrix = await this.readMatrix(input);
    if (matrix.cols !== model.embeddingDim) {
      throw badInput(
        `the .npy rows have ${matrix.cols} values but model '${model.name}' has embeddingDim ${model.embeddingDim}`,
      );
    }
    switch (input.target) {
      case EmbeddingTarget.label_names:
        return this.importLabelNames(input, model.contentHash, matrix);
      case EmbeddingTarget.corpus:
        return this.importCorpus(input, model.contentHash, matrix);
      case EmbeddingTarget.image_set:
        return this.importImageSet(input, model.id, model.contentHash, matrix);
      case EmbeddingTarget.noise:
        return this.importNoise(input, model.id, model.contentHash, matrix);
    }
  }

  private async readMatrix(input: ImportEmbeddingsInput): Promise<Matrix> {
    const matrix = asFloat32Matrix(
      await readNpySource(input, this.config.importRoots, 'the .npy'),
      'imported embeddings',
    );
    for (let i = 0; i < matrix.data.length; i++) {
      if (!Number.isFinite(matrix.data[i]!))
        throw badInput(`imported embeddings hold a non-finite value at row ${Math.floor(i / matrix.cols)}`);
    }
    return matrix;
  }

  private async importLabelNames(
    input: ImportEmbeddingsInput,
    modelHash: string,
    matrix: Matrix,
  ): Promise<ImportEmbeddingsResult> {
    if (input.labelSetId === undefined) throw badInput('target label_names needs labelSetId');
    const labelSet = await this.labelSets.find(input.labelSetId);
    if (labelSet === null) throw notFound('label set', input.labelSetId);
    const rowLabels = input.rowLabels ?? labelSet.labels;
    if (rowLabels.length !== matrix.rows) {
      throw badInput(
        `the .npy has ${matrix.rows} rows but ${rowLabels.length} labels were given for them (rowLabels, or the label set's labels)`,
      );
    }
    const missing = labelSet.labels.filter((label) => !rowLabels.includes(label));
    const unknown = rowLabels.filter((label) => !labelSet.labels.includes(label));
    if (missing.length > 0 || unknown.length > 0) {
      throw badInput(
        `rowLabels must be exactly the label set's labels in some order; missing: [${missing.slice(0, 5).join(', ')}], unknown: [${unknown.slice(0, 5).join(', ')}]`,
      );
    }
    await this.repository.replaceTextVectors(
      modelHash,
      rowLabels.map((label, row) => ({ inputHash: importedLabelInputHash(label), vector: rowBytes(matrix, row) })),
    );
    return { target: input.target, rows: matrix.rows, embeddingDim: matrix.cols, labelSetId: labelSet.id };
  }

  private async importCorpus(
    input: ImportEmbeddingsInput,
    modelHash: string,
    matrix: Matrix,
  ): Promise<ImportEmbeddingsResult> {
    const entries: StoredCorpusEntry[] | undefined = input.corpusEntries?.map((entry) => ({
      word: entry.word,
      pos: entry.pos as StoredCorpusEntry['pos'],
      lexname: entry.lexname ?? null,
    }));
    if (entries === undefined)
      throw badInput('target corpus needs corpusEntries (the word and part of speech of each row)');
    if (entries.length !== matrix.rows)
      throw badInput(`the .npy has ${matrix.rows} rows but ${entries.length} corpusEntries were given`);
    const versionHash = corpusVersionHash('imported', entries);
    const corpus = await this.repository.importCorpus(
      { versionHash, source: 'imported', entries },
      modelHash,
      entries.map((_, i) => ({ inputHash: importedCorpusRowInputHash(versionHash, i), vector: rowBytes(matrix, i) })),
    );
    return { target: input.target, rows: matrix.rows, embeddingDim: matrix.cols, corpusId: corpus.id };
  }

  /**
   * The embeddings of the noise images TANL seeds its negative queue with (the official protocol's
   * 15: 3 each of Gaussian, uniform, Poisson, gamma and salt-and-pepper noise), in row order; a
   * re-import replaces the model's list. Keys are content hashes, so cached vectors never change.
   */
  private async importNoise(
    input: ImportEmbeddingsInput,
    modelId: string,
    modelHash: string,
    matrix: Matrix,
  ): Promise<ImportEmbeddingsResult> {
    if (matrix.rows !== NOISE_IMAGE_COUNT) {
      throw badInput(
        `target noise takes the embeddings of the ${NOISE_IMAGE_COUNT} noise images (3 each of Gaussian, uniform, Poisson, gamma, salt-and-pepper noise); the .npy has ${matrix.rows} rows`,
        { expected: NOISE_IMAGE_COUNT, rows: matrix.rows },
      );
    }
    const hashes: string[] = [];
    for (let row = 0; row < matrix.rows; row++)
      hashes.push(vectorInputHash(matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols)));
    await this.repository.importNoise(
      modelId,
      modelHash,
      hashes.map((inputHash, row) => ({ inputHash, vector: rowBytes(matrix, row) })),
    );
    return { target: input.target, rows: matrix.rows, embeddingDim: matrix.cols };
  }

  private async importImageSet(
    input: ImportEmbeddingsInput,
    modelId: string,
    modelHash: string,
    matrix: Matrix,
  ): Promise<ImportEmbeddingsResult> {
    if (input.imageSetName === undefined) throw badInput('target image_set needs imageSetName');
    if ((await this.imageSets.byName(input.imageSetName)) !== null) {
      throw badInput(`an image set named '${input.imageSetName}' already exists; choose another imageSetName`);
    }
    const hashes: string[] = [];
    for (let row = 0; row < matrix.rows; row++)
      hashes.push(vectorInputHash(matrix.data.subarray(row * matrix.cols, (row + 1) * matrix.cols)));
    const imageSet = await this.repository.importImageSet(
      { name: input.imageSetName, modelId, contentHash: sha256Hex(hashes.join('\n')) },
      modelHash,
      hashes.map((inputHash, row) => ({ inputHash, vector: rowBytes(matrix, row) })),
    );
    return { target: input.target, rows: matrix.rows, embeddingDim: matrix.cols, imageSetId: imageSet.id };
  }
}
