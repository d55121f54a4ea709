// GraphQL operations on label sets.
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../../context';
import { CreateLabelSetInput, UpdateLabelSetInput } from './label-set.input';
import { LabelSet } from './label-set.type';
import { NullArguments, type RootOf } from '../../plugins/null-arguments.middleware';

@NullArguments()
@Resolver(() => LabelSet)
export class LabelSetResolver {
  @Query(() => [LabelSet], { description: 'Label sets, oldest first' })
  labelSets(
    @Ctx() ctx: ApiContext,
    @Arg('includeArchived', { defaultValue: false }) includeArchived: boolean,
  ): Promise<LabelSet[]> {
    return ctx.services.labelSets.list(includeArchived);
  }

  @Query(() => LabelSet)
  async labelSet(@Ctx() ctx: ApiContext, @Arg('id', () => ID) id: string): Promise<LabelSet> {
    return ctx.services.labelSets.get(id);
  }

  @Mutation(() => LabelSet)
  createLabelSet(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => CreateLabelSetInput) input: CreateLabelSetInput,
  ): Promise<LabelSet> {
    return ctx.services.labelSets.create(input);
  }

  @Mutation(() => LabelSet)
  updateLabelSet(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => UpdateLabelSetInput) input: UpdateLabelSetInput,
  ): Promise<LabelSet> {
    return ctx.services.labelSets.update(input);
  }

  @Mutation(() => LabelSet, {
    description:
      'Refused (CONFLICT) while runs reference the set, unless it is archived; then the runs are deleted too',
  })
  deleteLabelSet(@Ctx() ctx: ApiContext, @Arg('id', () => ID) id: string): Promise<LabelSet> {
    return ctx.services.labelSets.delete(id);
  }

  @FieldResolver(() => Int)
  labelCount(@Root() labelSet: RootOf<LabelSet>): number {
    return labelSet.labels.length;
  }
}
