// GraphQL operations on mining: mineNegatives, miningRuns, miningRun (with its negatives summary),
// negatives, corpora.
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../../context';
import { notFound } from '../../errors';
import { connectionTypes, selectsField, type Page } from '../../shared/pagination';
import { connectionSelection, selectionWithin, valueFields } from '../../shared/selection-within';
import { LABEL_SET_VALUES, LabelSet } from '../label-set/label-set.type';
import { EncoderModel, MODEL_VALUES } from '../model/model.type';
import { MineNegativesInput, MiningRunsArgs, NegativesArgs } from './mining.input';
import { MAX_SUMMARY_BINS } from './mining.service';
import { Corpus, MiningRun, NegativeLabel, NegativesSummary } from './mining.type';
import { NullArguments, type RootOf } from '../../plugins/null-arguments.middleware';
import { RUN_LIFECYCLE_FIELDS } from '../../runs/run-lifecycle.type';

export const NegativeLabelConnection = connectionTypes(NegativeLabel, 'NegativeLabel');
export const MiningRunConnection = connectionTypes(MiningRun, 'MiningRun');

/** What a run list may read for its answer to be stored while the tables it reads keep their version. */
const RUN_LIST_VALUES = connectionSelection({
  ...valueFields([
    'id',
    ...RUN_LIFECYCLE_FIELDS,
    'labelSetId',
    'modelId',
    'corpusId',
    'selectionMethod',
    'selectionParams',
    'labelsSnapshot',
    'modelHash',
    // Negatives are written in the commit that flips the run's status.
    'negativeCount',
  ]),
  labelSet: LABEL_SET_VALUES,
  model: MODEL_VALUES,
});

@NullArguments()
@Resolver(() => MiningRun)
export class MiningResolver {
  @Mutation(() => MiningRun, {
    description: 'Records a mining run and enqueues its `mine` job; follow it with runProgress or miningRun',
  })
  mineNegatives(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => MineNegativesInput) input: MineNegativesInput,
  ): Promise<MiningRun> {
    return ctx.services.mining.mineNegatives(input);
  }

  @Query(() => MiningRunConnection, { description: 'Mining runs, newest first unless orderBy says otherwise' })
  miningRuns(
    @Ctx() ctx: ApiContext,
    @Args(() => MiningRunsArgs) args: MiningRunsArgs,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<MiningRun>> {
    const read = () => ctx.services.mining.list(args);
    return ctx.responseCache !== undefined && selectionWithin(info, RUN_LIST_VALUES)
      ? ctx.responseCache.readVersioned(
          String(info.path.key),
          'mining-runs',
          () => ctx.services.mining.listingVersion(),
          read,
        )
      : read();
  }

  @Query(() => MiningRun)
  miningRun(@Ctx() ctx: ApiContext, @Arg('id', () => ID) id: string): Promise<MiningRun> {
    return ctx.services.mining.get(id);
  }

  @Query(() => NegativeLabelConnection, {
    description: 'Negative labels of a mining run (or of the latest succeeded run of a label set and model)',
  })
  negatives(
    @Ctx() ctx: ApiContext,
    @Args(() => NegativesArgs) args: NegativesArgs,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<NegativeLabel>> {
    return ctx.services.mining.negatives(args, {
      totalCount: selectsField(info, 'totalCount'),
      // The page and every field under it are plain values of the run's rows.
      ...(ctx.responseCache === undefined
        ? {}
        : { whileImmutable: (check) => ctx.responseCache?.declareImmutable(String(info.path.key), check) }),
    });
  }

  @Query(() => [Corpus])
  corpora(@Ctx() ctx: ApiContext): Promise<Corpus[]> {
    return ctx.services.mining.corpora();
  }

  @FieldResolver(() => LabelSet)
  async labelSet(@Root() run: RootOf<MiningRun>, @Ctx() ctx: ApiContext): Promise<LabelSet> {
    return (await ctx.loaders.labelSet.load(run.labelSetId)) ?? Promise.reject(notFound('label set', run.labelSetId));
  }

  @FieldResolver(() => EncoderModel)
  async model(@Root() run: RootOf<MiningRun>, @Ctx() ctx: ApiContext): Promise<EncoderModel> {
    return (await ctx.loaders.model.load(run.modelId)) ?? Promise.reject(notFound('model', run.modelId));
  }

  @FieldResolver(() => Corpus)
  async corpus(@Root() run: RootOf<MiningRun>, @Ctx() ctx: ApiContext): Promise<Corpus> {
    return (await ctx.loaders.corpus.load(run.corpusId)) ?? Promise.reject(notFound('corpus', run.corpusId));
  }

  @FieldResolver(() => NegativesSummary, {
    description:
      "Counts per part of speech and lexicographer file, flagged count and a histogram of the selection statistic over all of the run's negatives",
  })
  negativesSummary(
    @Root() run: RootOf<MiningRun>,
    @Ctx() ctx: ApiContext,
    @Arg('bins', () => Int, { defaultValue: 40, description: `Histogram bins, 1 to ${MAX_SUMMARY_BINS}` })
    bins: number,
  ): Promise<NegativesSummary> {
    return ctx.services.mining.negativesSummary(run, bins);
  }

  @FieldResolver(() => Int)
  negativeCount(@Root() run: RootOf<MiningRun>, @Ctx() ctx: ApiContext): Promise<number> {
    return ctx.loaders.negativeCount.load(run.id);
  }
}
