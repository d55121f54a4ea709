// Evaluation runs: validate and record a run with every resolved parameter (idempotent per key),
// enqueue its `evaluate` job, list runs with filters and cursors, and compare runs.
import { asIndexVector } from '@negmine/formats';
import {
  checkPermutation,
  debiasedPreset,
  MiningError,
  NOISE_IMAGE_KINDS,
  NOISE_IMAGES_PER_KIND,
  SCORING_METHOD_IDS,
  scoringMethod,
  streamOrderSha256,
  type MeanMetrics,
  type OodScoreMethod,
} from '@negmine/mining';
import type { ApiConfig } from '../../config';
import type { Db } from '../../db/prisma.service';
import type { Prisma } from '../../db/prisma.service';
import { badInput, conflict, notFound } from '../../errors';
import type { RunService } from '../../runs/run.service';
import { canonicalJson } from '../../shared/canonical-json';
import { codeVersion } from '../../shared/code-version';
import { backboneId, ImageSetKind, ModelKind, RunStatus } from '../../shared/enums';
import { encodeGroupPermutation } from './group-permutation';
import { ImmutableRowCache } from '../../shared/immutable-row-cache';
import { hasNpySource, readNpySource } from '../../shared/npy-source';
import { checkPageSize, toPage, type Page } from '../../shared/pagination';
import { decodeSortCursor, encodeSortCursor } from '../../db/sql-order';
import {
  sortOfOrder,
  type EvaluationRunsArgs,
  type GroupPermutationInput,
  type IndexOrderInput,
  type LaunchEvaluationInput,
} from './evaluation.input';
import type { ComparisonCell, ComparisonRow, EvaluationRun, RunComparison } from './evaluation.type';
import type { ImageSetRepository } from '../image-set';
import type { LabelSetRepository } from '../label-set';
import type { MiningRepository } from '../mining';
import type { ModelRepository } from '../model';
import { runListSelect, type EvaluationRepository, type ResultRow } from './evaluation.repository';
import { validateEvaluationLaunch } from './evaluation-launch-validation';

export const MAX_COMPARED_RUNS = 20;

export type { ResultRow } from './evaluation.repository';

/** Results of succeeded runs kept in memory, in rows (one per OOD set, without curves). */
const CACHED_RESULT_ROWS = 100_000;

/** The request fields an idempotency key stands for, as launchEvaluation names them. */
type RequestField =
  | 'labelSetId'
  | 'modelId'
  | 'miningRunId'
  | 'method'
  | 'params'
  | 'preset'
  | 'seed'
  | 'permutations'
  | 'permutation'
  | 'streamSeed'
  | 'batchSize'
  | 'streamOrders'
  | 'idImageSetId'
  | 'oodImageSetIds';

/** Parameters stored in `params` that the request gives as fields of their own. */
const PARAMS_OF_THEIR_OWN = ['seed', 'permutations', 'preset', 'batchSize'];

/** Noise images the service makes for an ONNX model (3 each of 5 kinds). */
const ONNX_NOISE_IMAGES = NOISE_IMAGE_KINDS.length * NOISE_IMAGES_PER_KIND;

/** One order of a stream method's run: given at launch, or drawn from the stream seed by the job. */
export interface StreamOrderRecord {
  readonly kind: 'stream' | 'positiveInit' | 'noiseInit';
  /** kind stream: the OOD image set it streams. */
  readonly imageSetId?: string;
  readonly given: boolean;
  /** The seed it was drawn from (null when given). */
  readonly seed: number | null;
  readonly length: number;
  /** SHA-256 of the order as little-endian int64 (null for a drawn order until the run succeeds). */
  readonly sha256: string | null;
  /** Given orders: where its int32 entries start in givenOrderData (in entries). */
  readonly offset?: number;
}

/** The given orders of a record list, for the idempotency comparison (drawn ones follow from the seed). */
function givenOrderKey(records: unknown): string {
  const given = ((records ?? []) as StreamOrderRecord[])
    .filter((record) => record.given)
    .map((record) => `${record.kind}:${record.imageSetId ?? ''}:${record.sha256 ?? ''}`);
  return given.sort().join(',');
}

function withoutOwnFields(params: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries((params ?? {}) as Record<string, unknown>).filter(([key]) => !PARAMS_OF_THEIR_OWN.includes(key)),
  );
}

function sameBytes(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): boolean {
  if (a == null || b == null) return a == null && b == null;
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);
}

/** The fields in which a resolved request differs from the run recorded under its idempotency key. */
export function differingRequestFields(
  existing: EvaluationRun,
  requested: Prisma.EvaluationRunUncheckedCreateInput,
): RequestField[] {
  const existingParams = existing.params as Record<string, unknown>;
  const requestedParams = requested.params as Record<string, unknown>;
  const checks: [RequestField, boolean][] = [
    ['labelSetId', existing.labelSetId === requested.labelSetId],
    ['modelId', existing.modelId === requested.modelId],
    ['miningRunId', (existing.miningRunId ?? null) === (requested.miningRunId ?? null)],
    ['method', existing.method === requested.method],
    ['params', canonicalJson(withoutOwnFields(existingParams)) === canonicalJson(withoutOwnFields(requestedParams))],
    ['preset', existingParams['preset'] === requestedParams['preset']],
    ['seed', existing.seed === requested.seed],
    ['permutations', existing.permutations === requested.permutations],
    ['permutation', sameBytes(existing.groupPermutation, requested.groupPermutation as Uint8Array | null | undefined)],
    ['streamSeed', (existing.streamSeed ?? null) === (requested.streamSeed ?? null)],
    ['batchSize', (existing.batchSize ?? null) === (requested.batchSize ?? null)],
    ['streamOrders', givenOrderKey(existing.streamOrders) === givenOrderKey(requested.streamOrders)],
    ['idImageSetId', existing.idImageSetId === requested.idImageSetId],
    [
      'oodImageSetIds',
      canonicalJson([...existing.oodImageSetIds].sort()) ===
        canonicalJson([...(requested.oodImageSetIds as string[])].sort()),
    ],
  ];
  return checks.filter(([, same]) => !same).map(([field]) => field);
}

export class EvaluationService {
  private readonly succeededResults = new ImmutableRowCache<readonly ResultRow[]>(
    CACHED_RESULT_ROWS,
    (rows) => rows.length,
  );

  constructor(
    private readonly repository: EvaluationRepository,
    private readonly labelSets: LabelSetRepository,
    private readonly models: ModelRepository,
    private readonly imageSets: ImageSetRepository,
    private readonly miningRuns: MiningRepository,
    private readonly runs: RunService,
    private readonly config: Pick<ApiConfig, 'maxPageSize' | 'shardSize' | 'importRoots'>,
  ) {}

  async launch(input: LaunchEvaluationInput): Promise<EvaluationRun> {
    const existing =
      input.idempotencyKey === undefined ? null : await this.repository.byIdempotencyKey(input.idempotencyKey);
    const data = await this.resolveRun(input);
    if (existing !== null) return this.sameRequestOrConflict(existing, data);
    const created = await this.repository.createUnlessKeyTaken(data);
    // Two launches with one key raced: the loser returns the winner's run (if it is the same request).
    if ('winner' in created) return this.sameRequestOrConflict(created.winner, data);
    const run = created.run;
    await this.runs.enqueue('evaluation', run.id);
    return run;
  }

  /**
   * The evaluation run `input` would record, validated and with every parameter resolved, without
   * writing anything (a sweep resolves each of its children this way at launch).
   */
  resolveLaunch(input: LaunchEvaluationInput): Promise<Prisma.EvaluationRunUncheckedCreateInput> {
    return this.resolveRun(input);
  }

  /** A reused idempotency key must carry the same request; otherwise CONFLICT names what differs. */
  private sameRequestOrConflict(
    existing: EvaluationRun,
    requested: Prisma.EvaluationRunUncheckedCreateInput,
  ): EvaluationRun {
    const differing = differingRequestFields(existing, requested);
    if (differing.length > 0) {
      throw conflict(
        `idempotency key '${existing.idempotencyKey ?? ''}' was already used for a different evaluation (run ${existing.id}); differing: ${differing.join(', ')}; use a new key`,
        { evaluationRunId: existing.id, differingFields: differing },
      );
    }
    return existing;
  }

  private async resolveRun(input: LaunchEvaluationInput): Promise<Prisma.EvaluationRunUncheckedCreateInput> {
    const method = scoringMethod(input.method);
    const miningRun = input.miningRunId === undefined ? null : await this.miningRuns.find(input.miningRunId);
    if (input.miningRunId !== undefined && miningRun === null) throw notFound('mining run', input.miningRunId);
    if (method.negatives === 'required' && miningRun === null) {
      throw badInput(`method ${method.id} scores against mined negatives: give miningRunId (a succeeded mining run)`);
    }
    if (miningRun !== null && miningRun.status !== RunStatus.succeeded) {
      throw badInput(`mining run ${miningRun.id} is ${miningRun.status}; evaluations need a succeeded mining run`);
    }
    const labelSetId = input.labelSetId ?? miningRun?.labelSetId;
    const modelId = input.modelId ?? miningRun?.modelId;
    if (labelSetId === undefined || modelId === undefined)
      throw badInput('give labelSetId and modelId (or a miningRunId to take them from)');
    if (miningRun !== null && (miningRun.labelSetId !== labelSetId || miningRun.modelId !== modelId)) {
      throw badInput(`labelSetId and modelId must be those of mining run ${miningRun.id}`);
    }
    const labelSet = await this.labelSets.find(labelSetId);
    if (labelSet === null) throw notFound('label set', labelSetId);
    const model = await this.models.find(modelId);
    if (model === null) throw notFound('model', modelId);
    const importedNoise =
      model.kind === ModelKind.onnx_folder ? 0 : (await this.repository.noiseInputHashes(model.id)).length;
    if (method.extraInputs.includes('noiseImages') && model.kind !== ModelKind.onnx_folder && importedNoise === 0) {
      throw badInput(
        `method ${method.id} seeds its queue with the embeddings of ${ONNX_NOISE_IMAGES} noise images; model '${model.name}' is an imported space without them: import them with importEmbeddings(target: noise)`,
        { method: method.id, input: 'noiseImages', modelId: model.id },
      );
    }
    if (method.extraInputs.includes('corpusText') && miningRun === null) {
      throw badInput(`method ${method.id} mines negatives from a whole corpus: give miningRunId (its corpus is used)`);
    }
    const imageSetIds = [input.idImageSetId, ...input.oodImageSetIds];
    if (new Set(imageSetIds).size !== imageSetIds.length)
      throw badInput('the ID set and the OOD sets must all be different image sets');
    const imageSets = await this.imageSets.byIds(imageSetIds);
    for (const id of imageSetIds) {
      const imageSet = imageSets.find((set) => set.id === id);
      if (imageSet === undefined) throw notFound('image set', id);
      if (imageSet.kind === ImageSetKind.imported && imageSet.modelId !== model.id) {
        throw badInput(`image set '${imageSet.name}' holds embeddings of another model; evaluate it with that model`);
      }
      if (imageSet.kind === ImageSetKind.folder && model.kind !== ModelKind.onnx_folder) {
        throw badInput(
          `image set '${imageSet.name}' is a folder of images, which only an ONNX model can encode; model '${model.name}' is an imported space`,
        );
      }
    }
    const overrides: Record<string, number | string> = {};
    const schemaKeys = Object.keys(method.parameters);
    const presetId =
      input.preset ?? (input.method === 'debiased' && model.backbone !== null ? backboneId(model.backbone) : undefined);
    if (presetId !== undefined) {
      const preset = debiasedPreset(presetId);
      if (preset.method === method.id) Object.assign(overrides, preset.params);
      else throw badInput(`preset '${presetId}' is for method ${preset.method}, not ${method.id}`);
    }
    for (const [key, value] of Object.entries(input.params ?? {})) {
      if (typeof value !== 'number' && typeof value !== 'string')
        throw badInput(`parameter '${key}' must be a number or a string`);
      overrides[key] = value;
    }
    const stream = method.adaptsToStream;
    if (!stream) {
      const given = (
        ['streamSeed', 'batchSize', 'streamOrders', 'positiveInitOrder', 'noiseInitOrder'] as const
      ).filter((field) => input[field] != null);
      if (given.length > 0) {
        const streamMethods = SCORING_METHOD_IDS.filter((id) => scoringMethod(id).adaptsToStream);
        throw badInput(
          `method ${method.id} is static (its scores do not depend on the stream), so it takes no ${given.join(', ')}; stream methods: ${streamMethods.join(', ')}`,
          {
            fields: given,
          },
        );
      }
    }
    if (input.batchSize != null) {
      if (input.params?.['batchSize'] !== undefined && input.params['batchSize'] !== input.batchSize) {
        throw badInput(
          `batchSize is given twice (params.batchSize ${String(input.params['batchSize'])}, batchSize ${input.batchSize}); give one`,
        );
      }
      overrides['batchSize'] = input.batchSize;
    }
    if (input.seed !== undefined) overrides['seed'] = input.seed;
    if (input.permutations !== undefined) overrides['permutations'] = input.permutations;
    for (const key of ['seed', 'permutations']) {
      if (overrides[key] !== undefined && !schemaKeys.includes(key))
        throw badInput(`method ${method.id} takes no ${key}; its parameters: ${schemaKeys.join(', ')}`);
    }
    const params: Record<string, number | string> = {
      ...method.resolveParams(overrides),
      ...(presetId === undefined ? {} : { preset: presetId }),
    };
    await validateEvaluationLaunch(this.miningRuns, method, params, miningRun);
    const groupPermutation =
      input.permutation == null
        ? null
        : await this.resolvePermutation(input.permutation, method, params, miningRun?.id);
    const runSeed = typeof params['seed'] === 'number' ? params['seed'] : 0;
    const streamSeed = stream ? (input.streamSeed ?? runSeed) : null;
    const orders =
      streamSeed === null
        ? { records: [], data: null }
        : await this.resolveOrders(input, method, streamSeed, {
            imageRows: new Map(imageSets.map((set) => [set.id, set.imageCount])),
            labels: (miningRun?.labelsSnapshot ?? labelSet.labels).length,
            noiseImages: model.kind === ModelKind.onnx_folder ? ONNX_NOISE_IMAGES : importedNoise,
          });
    return {
      idempotencyKey: input.idempotencyKey,
      labelSetId,
      modelId,
      miningRunId: miningRun?.id,
      method: input.method,
      params,
      seed: typeof params['seed'] === 'number' ? params['seed'] : 0,
      permutations: typeof params['permutations'] === 'number' ? params['permutations'] : 1,
      groupPermutation: groupPermutation === null ? null : encodeGroupPermutation(groupPermutation),
      streamSeed,
      batchSize: stream && typeof params['batchSize'] === 'number' ? params['batchSize'] : null,
      streamOrders: orders.records as unknown as Prisma.InputJsonValue,
      givenOrderData: orders.data,
      idImageSetId: input.idImageSetId,
      oodImageSetIds: input.oodImageSetIds,
      modelHash: model.contentHash,
      shardSize: this.config.shardSize,
      codeVersion: codeVersion(),
    };
  }

  /**
   * The order records of a stream method's run, and the given orders' int32 entries: every given
   * order is read and checked as a permutation of its rows here, so a bad one fails the launch
   * (naming its set) and nothing is stored. Orders not given are drawn by the job from streamSeed
   * exactly as evaluateMethod draws them (OOD set i: streamSeed + i).
   */
  private async resolveOrders(
    input: LaunchEvaluationInput,
    method: OodScoreMethod,
    streamSeed: number,
    sizes: { imageRows: ReadonlyMap<string, number>; labels: number; noiseImages: number },
  ): Promise<{ records: StreamOrderRecord[]; data: Uint8Array<ArrayBuffer> | null }> {
    const records: StreamOrderRecord[] = [];
    const parts: Int32Array[] = [];
    let offset = 0;
    const give = async (
      record: Omit<StreamOrderRecord, 'given' | 'seed' | 'sha256' | 'offset'>,
      source: IndexOrderInput,
      what: string,
    ): Promise<void> => {
      if (!hasNpySource(source) || (source.npyBase64 != null && source.npyPath != null))
        throw badInput(`give ${what} as exactly one of npyBase64 or npyPath (a 1-D int64 .npy)`);
      let order: Int32Array;
      try {
        order = checkPermutation(
          asIndexVector(await readNpySource(source, this.config.importRoots, what), what),
          record.length,
          what,
        );
      } catch (error) {
        if (error instanceof MiningError || (error as { name?: string }).name === 'FormatsError') {
          throw badInput((error as Error).message, {
            ...(record.imageSetId === undefined ? {} : { imageSetId: record.imageSetId }),
            order: record.kind,
            libraryCode: (error as { code?: string }).code,
          });
        }
        throw error;
      }
      records.push({ ...record, given: true, seed: null, sha256: streamOrderSha256(order), offset });
      parts.push(order);
      offset += order.length;
    };
    const byId = new Map<string, IndexOrderInput>();
    for (const given of input.streamOrders ?? []) {
      if (!input.oodImageSetIds.includes(given.imageSetId)) {
        throw badInput(
          `a stream order was given for image set ${given.imageSetId}, which is not one of oodImageSetIds`,
          { imageSetId: given.imageSetId },
        );
      }
      if (byId.has(given.imageSetId))
        throw badInput(`two stream orders were given for image set ${given.imageSetId}; give one per OOD set`, {
          imageSetId: given.imageSetId,
        });
      byId.set(given.imageSetId, given);
    }
    const idRows = sizes.imageRows.get(input.idImageSetId) ?? 0;
    for (const [index, setId] of input.oodImageSetIds.entries()) {
      const length = (sizes.imageRows.get(setId) ?? 0) + idRows;
      const given = byId.get(setId);
      if (given === undefined)
        records.push({
          kind: 'stream',
          imageSetId: setId,
          given: false,
          seed: streamSeed + index,
          length,
          sha256: null,
        });
      else
        await give(
          { kind: 'stream', imageSetId: setId, length },
          given,
          `the stream order of OOD set ${setId} (rows: its ${length - idRows} images, then the ${idRows} ID images)`,
        );
    }
    const init = [
      [
        'positiveInit',
        'positiveInitOrder',
        input.positiveInitOrder,
        sizes.labels,
        `the positive-queue initialisation order (a permutation of the ${sizes.labels} ID labels)`,
      ],
      [
        'noiseInit',
        'noiseInitOrder',
        input.noiseInitOrder,
        sizes.noiseImages,
        `the noise-queue initialisation order (a permutation of the ${sizes.noiseImages} noise images)`,
      ],
    ] as const;
    for (const [kind, inputName, source, length, what] of init) {
      if (source == null) continue;
      if (!method.extraInputs.includes(inputName))
        throw badInput(`method ${method.id} has no queue initialisation, so it takes no ${inputName}`);
      await give({ kind, length }, source, what);
    }
    if (parts.length === 0) return { records, data: null };
    const all = new Int32Array(offset);
    let at = 0;
    for (const part of parts) {
      all.set(part, at);
      at += part.length;
    }
    return { records, data: encodeGroupPermutation(all) };
  }

  /**
   * Reads and checks a given group permutation against the run it will group: a grouped method,
   * one permutation, and exactly the indices 0..kept − 1 where kept = N − N mod G (the contract of
   * `negmine score --permutation` and ScoringOptions.permutation).
   */
  private async resolvePermutation(
    given: GroupPermutationInput,
    method: OodScoreMethod,
    params: Readonly<Record<string, number | string>>,
    miningRunId: string | undefined,
  ): Promise<Int32Array> {
    if (!('groups' in method.parameters)) {
      const grouped = SCORING_METHOD_IDS.filter((id) => 'groups' in scoringMethod(id).parameters);
      throw badInput(
        `method ${method.id} does not group negatives, so it takes no permutation; methods that do: ${grouped.join(', ')}`,
      );
    }
    if (params['permutations'] !== 1) {
      throw badInput(
        `a given permutation fixes the grouping, so permutations must be 1 (or left out); got ${String(params['permutations'])}`,
      );
    }
    const sources = (given.indices == null ? 0 : 1) + (hasNpySource(given) ? 1 : 0);
    if (sources !== 1 || (given.npyBase64 != null && given.npyPath != null)) {
      throw badInput(
        'give the permutation as exactly one of permutation.indices (a list), permutation.npyBase64 or permutation.npyPath (a 1-D int64 .npy)',
      );
    }
    const indices =
      given.indices != null
        ? Int32Array.from(given.indices)
        : asIndexVector(
            await readNpySource(given, this.config.importRoots, 'the permutation .npy'),
            'the permutation .npy',
          );
    if (miningRunId === undefined) throw badInput(`a permutation orders mined negatives: give miningRunId`);
    const negativeCount = await this.miningRuns.negativeCount(miningRunId);
    const groups = params['groups'] as number;
    const kept = groups * Math.floor(negativeCount / groups);
    if (kept === 0)
      throw badInput(
        `mining run ${miningRunId} has ${negativeCount} negatives, fewer than groups = ${groups}; nothing to permute`,
      );
    if (indices.length !== kept) {
      throw badInput(
        `the permutation must have N − (N mod G) = ${kept} indices (mining run ${miningRunId}: N = ${negativeCount} negatives, G = ${groups} groups); got ${indices.length}`,
        { expected: kept, length: indices.length },
      );
    }
    const seen = new Uint8Array(kept);
    for (let i = 0; i < kept; i++) {
      const index = indices[i]!;
      if (index < 0 || index >= kept || seen[index] === 1) {
        const why = index < 0 || index >= kept ? 'out of range' : 'a repeat';
        throw badInput(
          `the permutation must contain each of 0..${kept - 1} exactly once; index ${index} at position ${i} is ${why}`,
          { position: i, value: index, kept },
        );
      }
      seen[index] = 1;
    }
    return indices;
  }

  /** Whether the run still exists and has succeeded (a succeeded run can only go away, with its label set). */
  /** Changes with every committed write a run list can show (db/tables-version.ts). */
  listingVersion(): Promise<string> {
    return this.repository.listingVersion();
  }

  async stillSucceeded(id: string): Promise<boolean> {
    return (await this.repository.status(id)) === RunStatus.succeeded;
  }

  async get(id: string, db?: Db): Promise<EvaluationRun> {
    const run = await this.repository.find(id, db);
    if (run === null) throw notFound('evaluation run', id);
    return run;
  }

  /**
   * Results (without curves) of runs the caller has just read as succeeded, per run id. They were
   * written with the status flip and never change, so they are cached; the caller's read of the run
   * row is the existence check.
   */
  async resultsOfSucceededRuns(runIds: readonly string[]): Promise<(readonly ResultRow[])[]> {
    const missing = runIds.filter((id) => this.succeededResults.get(id) === undefined);
    if (missing.length > 0) {
      const rows = await this.repository.resultsOf(missing);
      for (const id of missing) {
        const own = rows.filter((row) => row.evaluationRunId === id);
        // A run deleted between the caller's read and this one has none: nothing is cached for it.
        if (own.length > 0) this.succeededResults.set(id, own);
      }
      return runIds.map((id) => this.succeededResults.get(id) ?? rows.filter((row) => row.evaluationRunId === id));
    }
    return runIds.map((id) => this.succeededResults.get(id)!);
  }

  /** `options.fields`: the node fields the query selects (default: every column). */
  async list(
    args: EvaluationRunsArgs,
    options: { totalCount?: boolean; fields?: ReadonlySet<string> } = {},
  ): Promise<Page<EvaluationRun>> {
    checkPageSize(args.first, this.config.maxPageSize);
    const { rows, totalCount } = await this.repository.page(
      args.filter ?? {},
      sortOfOrder(args.orderBy),
      args.after == null ? undefined : decodeSortCursor(args.after, args.orderBy),
      args.first + 1,
      runListSelect(options.fields),
      options.totalCount !== false,
    );
    const page = toPage(
      rows,
      args.first,
      (row) => encodeSortCursor(args.orderBy, { value: row.sortValue, id: row.run.id }),
      totalCount,
    );
    return { ...page, edges: page.edges.map((edge) => ({ node: edge.node.run, cursor: edge.cursor })) };
  }

  /** Side-by-side metrics of runs per OOD set, best run per set, and an average row over the sets all runs share. */
  async compare(ids: readonly string[]): Promise<RunComparison> {
    if (ids.length < 1 || ids.length > MAX_COMPARED_RUNS)
      throw badInput(`compare 1 to ${MAX_COMPARED_RUNS} runs; got ${ids.length}`);
    const runs = await this.repository.byIds(ids);
    const missing = ids.filter((id) => !runs.some((run) => run.id === id));
    if (missing.length > 0) throw notFound('evaluation run', missing.join(', '));
    const ordered = ids.map((id) => runs.find((run) => run.id === id)!);
    const results = await this.repository.resultsOf(ids);
    const setIds = [...new Set(results.map((result) => result.oodImageSetId))];
    const sets = await this.imageSets.byIds(setIds);
    const rows: ComparisonRow[] = setIds.map((setId) => {
      const cells: ComparisonCell[] = ordered.flatMap((run) => {
        const result = results.find((r) => r.evaluationRunId === run.id && r.oodImageSetId === setId);
        return result === undefined ? [] : [{ ...result, method: run.method }];
      });
      return {
        oodImageSetId: setId,
        oodImageSetName: sets.find((set) => set.id === setId)?.name ?? setId,
        cells,
        ...best(cells),
      };
    });
    // The mean over OOD sets is evaluateMethod's, stored with each run; it is comparable only when
    // every run evaluated the same sets.
    const sameSets = ordered.every((run) => sameSetList(run.oodImageSetIds, ordered[0]!.oodImageSetIds));
    const means = ordered.map((run) =>
      run.status === RunStatus.succeeded ? (run.meanMetrics as MeanMetrics | null) : null,
    );
    if (sameSets && means.every((mean) => mean !== null)) {
      const cells = ordered.map((run, i) => ({ evaluationRunId: run.id, method: run.method, ...means[i]! }));
      rows.push({
        oodImageSetId: 'average',
        oodImageSetName: `average over ${ordered[0]!.oodImageSetIds.length} sets`,
        cells,
        ...best(cells),
      });
    }
    return { runs: ordered, rows };
  }
}

function sameSetList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((id, i) => id === [...b].sort()[i]);
}

function best(cells: readonly ComparisonCell[]): { bestByFprAtTprId: string | null; bestByAuroc: string | null } {
  if (cells.length === 0) return { bestByFprAtTprId: null, bestByAuroc: null };
  const byFpr = cells.reduce((a, b) => (b.fprAtTprId < a.fprAtTprId ? b : a));
  const byAuroc = cells.reduce((a, b) => (b.auroc > a.auroc ? b : a));
  return { bestByFprAtTprId: byFpr.evaluationRunId, bestByAuroc: byAuroc.evaluationRunId };
}
