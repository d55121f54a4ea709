// What a detector is built from, read from the embedding caches: the ID label text rows (the label
// snapshot × templates, mean per label), the mined negatives' rows in rank order and the rows of an
// image set. The same keys the `evaluate` job reads, so a detector created from an evaluation
// freezes exactly the matrices that evaluation scored with. Internal to the feature.
import { badInput } from '../../errors';
import { meanRows, type EmbeddingStore } from '../../shared/embedding-store';
import { ModelKind } from '../../shared/enums';
import { importedCorpusRowInputHash, importedLabelInputHash, promptInputHash } from '../../shared/hashing';
import type { Matrix, WordNetCorpus } from '../../shared/wordnet-corpus';
import type { EncodingService } from '../embedding';
import type { ImageSetRepository } from '../image-set';
import type { MiningRepository } from '../mining';

export interface ModelRef {
  readonly kind: ModelKind;
  readonly folder: string | null;
  readonly contentHash: string;
  readonly embeddingDim: number;
}

export class DetectorInputs {
  constructor(
    private readonly embeddings: EmbeddingStore,
    private readonly encoding: EncodingService,
    private readonly wordNet: WordNetCorpus,
    private readonly miningRuns: MiningRepository,
    private readonly imageSets: ImageSetRepository,
  ) {}

  async labelMatrix(model: ModelRef, labels: readonly string[], templates: readonly string[]): Promise<Matrix> {
    const dim = model.embeddingDim;
    let keys: string[][];
    if (model.kind === ModelKind.imported_space) {
      keys = labels.map((label) => [importedLabelInputHash(label)]);
    } else {
      const prompts = this.wordNet.labelPrompts(labels, templates);
      await this.encoding.encodePrompts(model.folder!, model.contentHash, prompts);
      keys = labels.map((_, i) => prompts.slice(i * templates.length, (i + 1) * templates.length).map(promptInputHash));
    }
    return this.rows('text', model.contentHash, keys, dim, 'ID label');
  }

  async negativeMatrix(model: ModelRef, miningRunId: string): Promise<Matrix> {
    const { corpusVersionHash, corpusIndices } = await this.miningRuns.negativeCorpusRows(miningRunId);
    let keys: string[][];
    if (model.kind === ModelKind.imported_space) {
      keys = corpusIndices.map((index) => [importedCorpusRowInputHash(corpusVersionHash, index)]);
    } else {
      const { prompts, promptStart } = this.wordNet.wordNetPrompts(corpusVersionHash);
      keys = corpusIndices.map((index) =>
        prompts.slice(promptStart[index]!, promptStart[index + 1]!).map(promptInputHash),
      );
    }
    return this.rows('text', model.contentHash, keys, model.embeddingDim, 'negative label');
  }

  /** The cached embeddings of an image set's items (items never embedded, e.g. undecodable, are left out). */
  async imageMatrix(model: ModelRef, imageSetId: string): Promise<Matrix> {
    const hashes = await this.imageSets.itemHashes(imageSetId);
    const vectors = await this.embeddings.load('image', model.contentHash, hashes);
    const present = hashes.filter((hash) => vectors.has(hash));
    if (present.length === 0) {
      throw badInput(
        `image set ${imageSetId} has no embeddings of this model yet (evaluate it with the model first, or import its embeddings)`,
        { imageSetId },
      );
    }
    return {
      data: meanRows(
        present.map((hash) => [hash]),
        vectors,
        model.embeddingDim,
      ),
      rows: present.length,
      cols: model.embeddingDim,
    };
  }

  private async rows(kind: 'text', modelHash: string, keys: string[][], dim: number, what: string): Promise<Matrix> {
    const vectors = await this.embeddings.load(kind, modelHash, keys.flat());
    const missing = keys.findIndex((row) => !row.every((key) => vectors.has(key)));
    if (missing >= 0)
      throw badInput(
        `the ${what} embeddings of this model are not all cached (row ${missing} is missing); mine or import them first`,
      );
    return { data: meanRows(keys, vectors, dim), rows: keys.length, cols: dim };
  }
}
