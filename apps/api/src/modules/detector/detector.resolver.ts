// GraphQL operations on detectors: createDetector, detectors, detector, deleteDetector, detect.
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, ID, Info, Mutation, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../../context';
import { NullArguments } from '../../plugins/null-arguments.middleware';
import { connectionTypes, selectsField, type Page } from '../../shared/pagination';
import { CreateDetectorInput, DetectInput, DetectorsArgs } from './detector.input';
import { DetectResult, Detector } from './detector.type';

export const DetectorConnection = connectionTypes(Detector, 'Detector');

@NullArguments()
@Resolver(() => Detector)
export class DetectorResolver {
  @Mutation(() => Detector, {
    description: 'Freezes an evaluation (or a mining run + static method) into a calibrated detector',
  })
  createDetector(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => CreateDetectorInput) input: CreateDetectorInput,
  ): Promise<Detector> {
    return ctx.services.detectors.create(input);
  }

  @Query(() => DetectorConnection)
  detectors(
    @Ctx() ctx: ApiContext,
    @Args(() => DetectorsArgs) args: DetectorsArgs,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Page<Detector>> {
    return ctx.services.detectors.list(args, { totalCount: selectsField(info, 'totalCount') });
  }

  @Query(() => Detector, { nullable: true })
  async detector(@Ctx() ctx: ApiContext, @Arg('id', () => ID) id: string): Promise<Detector | null> {
    return ctx.services.detectors.get(id).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'NOT_FOUND') return null;
      throw error;
    });
  }

  @Mutation(() => Boolean, {
    description: 'Deletes a detector (its cached session is evicted); NOT_FOUND for an unknown id',
  })
  deleteDetector(@Ctx() ctx: ApiContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return ctx.services.detectors.delete(id);
  }

  @Mutation(() => DetectResult, {
    description: 'Runs a detector on embeddings, image files or an image set: per image score, isOod, predicted label',
  })
  detect(
    @Ctx() ctx: ApiContext,
    @Arg('detectorId', () => ID) detectorId: string,
    @Arg('input', () => DetectInput) input: DetectInput,
  ): Promise<DetectResult> {
    return ctx.services.detectors.detect(detectorId, input);
  }
}
