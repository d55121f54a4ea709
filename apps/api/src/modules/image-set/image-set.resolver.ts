// GraphQL operations on image sets.
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../../context';
import { RegisterImageSetInput } from './image-set.input';
import { ImageSet } from './image-set.type';
import { NullArguments } from '../../plugins/null-arguments.middleware';

@NullArguments()
@Resolver(() => ImageSet)
export class ImageSetResolver {
  @Query(() => [ImageSet])
  imageSets(@Ctx() ctx: ApiContext): Promise<ImageSet[]> {
    return ctx.services.imageSets.list();
  }

  @Query(() => ImageSet, { description: 'One image set (NOT_FOUND when there is none with this id)' })
  imageSet(@Ctx() ctx: ApiContext, @Arg('id', () => ID) id: string): Promise<ImageSet> {
    return ctx.services.imageSets.get(id);
  }

  @Mutation(() => ImageSet, {
    description:
      'Registers a folder of images under an allowed root (files are content-hashed now, encoded by evaluations)',
  })
  registerImageSet(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => RegisterImageSetInput) input: RegisterImageSetInput,
  ): Promise<ImageSet> {
    return ctx.services.imageSets.registerFolder(input);
  }
}
