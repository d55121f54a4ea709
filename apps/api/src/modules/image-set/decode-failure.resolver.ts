// GraphQL fields of decode failures: ImageSet.decodeFailures (paged, optionally for one model) and
// ImageSet.decodeFailureCount, the image set of a failure, and the page builder that
// EvaluationRun.decodeFailures shares. Pages and counts go through per-request DataLoaders, so a
// list of sets (or runs) asking for them costs one query each, not one per row.
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../../context';
import { badInput, notFound } from '../../errors';
import { NullArguments, type RootOf } from '../../plugins/null-arguments.middleware';
import {
  checkPageSize,
  decodeCursor,
  encodeCursor,
  selectsField,
  toPage,
  type Page,
  type PageArgs,
} from '../../shared/pagination';
import type { DecodeFailureRow } from './decode-failure.repository';
import { ImageDecodeFailure, ImageDecodeFailureConnection, ImageSetDecodeFailuresArgs } from './decode-failure.type';
import { ImageSet } from './image-set.type';

/** The cursor's sort key: [set index, position, model hash]. */
function afterKey(after: string | undefined): readonly [number, number, string] | null {
  if (after === undefined) return null;
  const [setIndex, position, modelHash] = decodeCursor(after, 3);
  if (typeof setIndex !== 'number' || typeof position !== 'number' || typeof modelHash !== 'string')
    throw badInput(
      'after is not a valid cursor: pass the endCursor of a previous page of the same decodeFailures field',
      { cursorLength: after.length },
    );
  return [setIndex, position, modelHash];
}

/** A page of the failures of `imageSetIds` (in that order) for one model hash or every model's. */
export async function decodeFailurePage(
  ctx: ApiContext,
  imageSetIds: readonly string[],
  modelHash: string | null,
  args: PageArgs,
  info: GraphQLResolveInfo,
): Promise<Page<DecodeFailureRow>> {
  checkPageSize(args.first, ctx.services.config.maxPageSize);
  const [rows, counts] = await Promise.all([
    ctx.loaders.decodeFailurePages.load({ imageSetIds, modelHash, first: args.first, after: afterKey(args.after) }),
    selectsField(info, 'totalCount') ? ctx.loaders.decodeFailureCounts.load({ imageSetIds, modelHash }) : undefined,
  ]);
  return toPage(
    rows,
    args.first,
    (row) => encodeCursor([row.setIndex, row.position, row.modelHash]),
    counts?.entries ?? 0,
  );
}

/** The content hash a modelId argument stands for (failures are keyed by it). */
async function modelHashOf(ctx: ApiContext, modelId: string | undefined): Promise<string | null> {
  if (modelId === undefined) return null;
  const model = await ctx.loaders.model.load(modelId);
  if (model === null) throw notFound('model', modelId);
  return model.contentHash;
}

@NullArguments()
@Resolver(() => ImageSet)
export class ImageSetDecodeFailuresResolver {
  @FieldResolver(() => ImageDecodeFailureConnection, {
    description:
      'Files of the set that could not be decoded for a model, in path order (one entry per file and model hash); an evaluation with that model left them out. totalCount counts the entries',
  })
  async decodeFailures(
    @Root() set: RootOf<ImageSet>,
    @Args(() => ImageSetDecodeFailuresArgs) args: ImageSetDecodeFailuresArgs,
    @Ctx() ctx: ApiContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<DecodeFailureRow>> {
    return decodeFailurePage(ctx, [set.id], await modelHashOf(ctx, args.modelId), args, info);
  }

  @FieldResolver(() => Int, {
    description: 'How many files of the set could not be decoded, for the model (default: for any model)',
  })
  async decodeFailureCount(
    @Root() set: RootOf<ImageSet>,
    @Ctx() ctx: ApiContext,
    @Arg('modelId', () => ID, { nullable: true }) modelId?: string,
  ): Promise<number> {
    const counts = await ctx.loaders.decodeFailureCounts.load({
      imageSetIds: [set.id],
      modelHash: await modelHashOf(ctx, modelId),
    });
    return counts.files;
  }
}

@Resolver(() => ImageDecodeFailure)
export class ImageDecodeFailureResolver {
  @FieldResolver(() => ImageSet)
  async imageSet(@Root() failure: RootOf<ImageDecodeFailure>, @Ctx() ctx: ApiContext): Promise<ImageSet> {
    return (
      (await ctx.loaders.imageSet.load(failure.imageSetId)) ?? Promise.reject(notFound('image set', failure.imageSetId))
    );
  }
}
