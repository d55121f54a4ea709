// GraphQL operations on evaluations: launchEvaluation, evaluationRuns, evaluationRun (with results
// and curves), compareRuns.
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../../context';
import { notFound } from '../../errors';
import { RunStatus } from '../../shared/enums';
import { connectionTypes, PageArgs, selectedNodeFields, selectsField, type Page } from '../../shared/pagination';
import {
  connectionSelection,
  selectionWithin,
  valueFields,
  type AllowedSelection,
} from '../../shared/selection-within';
import type { DecodeFailureRow } from '../image-set/decode-failure.repository';
import { decodeFailurePage } from '../image-set/decode-failure.resolver';
import { ImageDecodeFailureConnection } from '../image-set/decode-failure.type';
import { ImageSet } from '../image-set/image-set.type';
import { LABEL_SET_VALUES, LabelSet } from '../label-set/label-set.type';
import { MiningRun } from '../mining/mining.type';
import { EncoderModel, MODEL_VALUES } from '../model/model.type';
import { EvaluationRunsArgs, LaunchEvaluationInput } from './evaluation.input';
import { decodeGroupPermutation } from './group-permutation';
import { EvaluationResult, EvaluationRun, RocPoint, RunComparison, ScoreHistograms } from './evaluation.type';
import { NullArguments, type RootOf } from '../../plugins/null-arguments.middleware';
import { RUN_LIFECYCLE_FIELDS } from '../../runs/run-lifecycle.type';

export const EvaluationRunConnection = connectionTypes(EvaluationRun, 'EvaluationRun');

/** The values of a run's own row and of its results (no other rows): what a stored answer may read of a run. */
const RUN_VALUES: AllowedSelection = {
  ...valueFields([
    'id',
    ...RUN_LIFECYCLE_FIELDS,
    'idempotencyKey',
    'labelSetId',
    'modelId',
    'miningRunId',
    'method',
    'params',
    'seed',
    'permutations',
    'streamSeed',
    'batchSize',
    'streamOrders',
    'idImageSetId',
    'oodImageSetIds',
    'modelHash',
    'shardSize',
    'warnings',
    'diagnostics',
    'meanMetrics',
    'sweepId',
    'sweepRole',
    'sweepIndex',
    'groupPermutation',
  ]),
  results: valueFields([
    'fprAtTprId',
    'fprAtTprOod',
    'auroc',
    'auprIn',
    'auprOut',
    'evaluationRunId',
    'oodImageSetId',
    'nId',
    'nOod',
    'thresholdAtTprId',
    'guardHits',
    'rocPoints',
    'histograms',
  ]),
};

/** What a run list may read for its answer to be stored while the tables it reads keep their version. */
const RUN_LIST_VALUES = connectionSelection({ ...RUN_VALUES, labelSet: LABEL_SET_VALUES, model: MODEL_VALUES });

@NullArguments()
@Resolver(() => EvaluationRun)
export class EvaluationResolver {
  @Mutation(() => EvaluationRun, {
    description:
      'Records an evaluation run and enqueues its `evaluate` job; the same idempotencyKey returns the same run',
  })
  launchEvaluation(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => LaunchEvaluationInput) input: LaunchEvaluationInput,
  ): Promise<EvaluationRun> {
    return ctx.services.evaluations.launch(input);
  }

  @Query(() => EvaluationRunConnection)
  evaluationRuns(
    @Ctx() ctx: ApiContext,
    @Args(() => EvaluationRunsArgs) args: EvaluationRunsArgs,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<EvaluationRun>> {
    const read = () =>
      ctx.services.evaluations.list(args, {
        totalCount: selectsField(info, 'totalCount'),
        fields: selectedNodeFields(info),
      });
    return ctx.responseCache !== undefined && selectionWithin(info, RUN_LIST_VALUES)
      ? ctx.responseCache.readVersioned(
          String(info.path.key),
          'evaluation-runs',
          () => ctx.services.evaluations.listingVersion(),
          read,
        )
      : read();
  }

  @Query(() => EvaluationRun)
  async evaluationRun(
    @Ctx() ctx: ApiContext,
    @Arg('id', () => ID) id: string,
    @Info() info: GraphQLResolveInfo,
  ): Promise<EvaluationRun> {
    const run = await ctx.services.evaluations.get(id);
    // A succeeded run is final: its columns, results and curves were written with the status flip.
    // Its relations (label set, model, image sets) are other rows that can change.
    if (run.status === RunStatus.succeeded && selectionWithin(info, RUN_VALUES))
      ctx.responseCache?.declareImmutable(String(info.path.key), {
        subject: `evaluation-run:${id}`,
        stillValid: () => ctx.services.evaluations.stillSucceeded(id),
      });
    return run;
  }

  @Query(() => RunComparison, { description: 'Metrics of evaluation runs side by side per OOD set' })
  compareRuns(@Ctx() ctx: ApiContext, @Arg('ids', () => [ID]) ids: string[]): Promise<RunComparison> {
    return ctx.services.evaluations.compare(ids);
  }

  @FieldResolver(() => [Int], {
    nullable: true,
    description: 'The group permutation given at launch (null when it was drawn from seed)',
  })
  async groupPermutation(@Root() run: RootOf<EvaluationRun>, @Ctx() ctx: ApiContext): Promise<number[] | null> {
    const bytes =
      run.groupPermutation === undefined ? await ctx.loaders.groupPermutation.load(run.id) : run.groupPermutation;
    return bytes === null ? null : Array.from(decodeGroupPermutation(bytes));
  }

  @FieldResolver(() => [EvaluationResult], { description: 'One result per OOD set (empty until the run succeeds)' })
  async results(@Root() run: RootOf<EvaluationRun>, @Ctx() ctx: ApiContext): Promise<EvaluationResult[]> {
    // A succeeded run's results never change: they come from the service's cache.
    const rows =
      run.status === RunStatus.succeeded
        ? await ctx.loaders.succeededEvaluationResults.load(run.id)
        : await ctx.loaders.evaluationResults.load(run.id);
    return rows as EvaluationResult[];
  }

  @FieldResolver(() => LabelSet)
  async labelSet(@Root() run: RootOf<EvaluationRun>, @Ctx() ctx: ApiContext): Promise<LabelSet> {
    return (await ctx.loaders.labelSet.load(run.labelSetId)) ?? Promise.reject(notFound('label set', run.labelSetId));
  }

  @FieldResolver(() => EncoderModel)
  async model(@Root() run: RootOf<EvaluationRun>, @Ctx() ctx: ApiContext): Promise<EncoderModel> {
    return (await ctx.loaders.model.load(run.modelId)) ?? Promise.reject(notFound('model', run.modelId));
  }

  @FieldResolver(() => MiningRun, { nullable: true })
  async miningRun(@Root() run: RootOf<EvaluationRun>, @Ctx() ctx: ApiContext): Promise<MiningRun | null> {
    return run.miningRunId === null ? null : ctx.loaders.miningRun.load(run.miningRunId);
  }

  @FieldResolver(() => ImageSet)
  async idImageSet(@Root() run: RootOf<EvaluationRun>, @Ctx() ctx: ApiContext): Promise<ImageSet> {
    return (
      (await ctx.loaders.imageSet.load(run.idImageSetId)) ?? Promise.reject(notFound('image set', run.idImageSetId))
    );
  }

  @FieldResolver(() => [ImageSet])
  async oodImageSets(@Root() run: RootOf<EvaluationRun>, @Ctx() ctx: ApiContext): Promise<ImageSet[]> {
    const sets = await ctx.loaders.imageSet.loadMany(run.oodImageSetIds);
    return sets.filter((set): set is ImageSet => set !== null && !(set instanceof Error));
  }

  @FieldResolver(() => ImageDecodeFailureConnection, {
    description:
      "Files of the run's ID set, then of each OOD set, that could not be decoded for the run's model and were left out (imageSetId says which set); totalCount counts them",
  })
  async decodeFailures(
    @Root() run: RootOf<EvaluationRun>,
    @Args(() => PageArgs) args: PageArgs,
    @Ctx() ctx: ApiContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<DecodeFailureRow>> {
    // The run's modelHash is its model's content hash (model rows never change); the model's id is in every list row.
    const model = await ctx.loaders.model.load(run.modelId);
    if (model === null) throw notFound('model', run.modelId);
    return decodeFailurePage(ctx, [run.idImageSetId, ...run.oodImageSetIds], model.contentHash, args, info);
  }
}

@NullArguments()
@Resolver(() => EvaluationResult)
export class EvaluationResultResolver {
  @FieldResolver(() => ImageSet)
  async oodImageSet(@Root() result: RootOf<EvaluationResult>, @Ctx() ctx: ApiContext): Promise<ImageSet> {
    return (
      (await ctx.loaders.imageSet.load(result.oodImageSetId)) ??
      Promise.reject(notFound('image set', result.oodImageSetId))
    );
  }

  @FieldResolver(() => [RocPoint], { description: 'ROC curve, at most 200 points, from (0, 0) to (1, 1)' })
  async rocPoints(@Root() result: RootOf<EvaluationResult>, @Ctx() ctx: ApiContext): Promise<RocPoint[]> {
    const curves = await ctx.loaders.evaluationCurves.load(`${result.evaluationRunId}/${result.oodImageSetId}`);
    return (curves?.rocPoints as RocPoint[] | undefined) ?? [];
  }

  @FieldResolver(() => ScoreHistograms, { description: 'ID and OOD score histograms over shared bins' })
  async histograms(@Root() result: RootOf<EvaluationResult>, @Ctx() ctx: ApiContext): Promise<ScoreHistograms> {
    const curves = await ctx.loaders.evaluationCurves.load(`${result.evaluationRunId}/${result.oodImageSetId}`);
    return (curves?.histograms as ScoreHistograms | undefined) ?? { edges: [], idCounts: [], oodCounts: [] };
  }
}
