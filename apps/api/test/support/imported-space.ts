// A small imported embedding space built through the import service: a label set, a corpus and two
// image sets with deterministic vectors, for specs that need runs without encoders.
import { serializeNpy } from '@negmine/formats';
import type { AllServices } from '../../src/app';
import { EmbeddingTarget } from '../../src/modules/import/import.input';

export interface ImportedSpace {
  readonly modelId: string;
  readonly labelSetId: string;
  readonly corpusId: string;
  readonly idSetId: string;
  readonly oodSetId: string;
  readonly labels: readonly string[];
  readonly words: readonly string[];
}

/** Deterministic vectors: row i is a smooth function of (i, j) plus a seed, never all zero. */
export function vectors(rows: number, dim: number, seed: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < dim; j++) out[i * dim + j] = Math.sin(seed * 7.1 + i * 1.3 + j * 0.7) + (j === i % dim ? 2 : 0);
  return out;
}

export function npyBase64(data: Float32Array, rows: number, dim: number): string {
  return Buffer.from(serializeNpy(data, [rows, dim])).toString('base64');
}

export async function createImportedSpace(services: AllServices, name: string, dim = 8): Promise<ImportedSpace> {
  const model = await services.models.register({ name: `${name}-space`, importedEmbeddingDim: dim });
  const labels = ['alpha', 'beta', 'gamma'];
  const labelSet = await services.labelSets.create({ name: `${name}-labels`, labels });
  await services.imports.importEmbeddings({
    target: EmbeddingTarget.label_names,
    modelId: model.id,
    labelSetId: labelSet.id,
    npyBase64: npyBase64(vectors(3, dim, 1), 3, dim),
  });
  const words = Array.from({ length: 40 }, (_, i) => (i === 5 ? 'beta' : `word${i}`));
  const corpus = await services.imports.importEmbeddings({
    target: EmbeddingTarget.corpus,
    modelId: model.id,
    corpusEntries: words.map((word, i) => ({
      word,
      pos: i < 30 ? 'noun' : 'adj',
      lexname: i < 30 ? 'noun.artifact' : 'adj.all',
    })),
    npyBase64: npyBase64(vectors(40, dim, 2), 40, dim),
  });
  const idSet = await services.imports.importEmbeddings({
    target: EmbeddingTarget.image_set,
    modelId: model.id,
    imageSetName: `${name}-id`,
    npyBase64: npyBase64(vectors(20, dim, 3), 20, dim),
  });
  const oodSet = await services.imports.importEmbeddings({
    target: EmbeddingTarget.image_set,
    modelId: model.id,
    imageSetName: `${name}-ood`,
    npyBase64: npyBase64(vectors(20, dim, 4), 20, dim),
  });
  return {
    modelId: model.id,
    labelSetId: labelSet.id,
    corpusId: corpus.corpusId!,
    idSetId: idSet.imageSetId!,
    oodSetId: oodSet.imageSetId!,
    labels,
    words,
  };
}

/**
 * Imports a corpus of `size` candidates (`candidate<i>`, every fourth an adjective) with deterministic
 * vectors into the model's space; returns its id. Big enough, it makes a kNN selection take seconds.
 */
export async function importCandidateCorpus(
  services: AllServices,
  modelId: string,
  size: number,
  dim: number,
): Promise<string> {
  const corpus = await services.imports.importEmbeddings({
    target: EmbeddingTarget.corpus,
    modelId,
    corpusEntries: Array.from({ length: size }, (_, i) => ({
      word: `candidate${i}`,
      pos: i % 4 === 0 ? 'adj' : 'noun',
      lexname: i % 4 === 0 ? 'adj.all' : 'noun.artifact',
    })),
    npyBase64: npyBase64(vectors(size, dim, 9), size, dim),
  });
  return corpus.corpusId!;
}
