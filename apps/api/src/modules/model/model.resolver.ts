// GraphQL operations on encoder models.
import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../../context';
import { RegisterModelInput } from './model.input';
import { EncoderModel } from './model.type';
import { NullArguments } from '../../plugins/null-arguments.middleware';

@NullArguments()
@Resolver(() => EncoderModel)
export class ModelResolver {
  @Query(() => [EncoderModel])
  models(@Ctx() ctx: ApiContext): Promise<EncoderModel[]> {
    return ctx.services.models.list();
  }

  @Mutation(() => EncoderModel, {
    description: 'Registers an ONNX CLIP folder (hash and width are read from it) or an imported embedding space',
  })
  registerModel(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => RegisterModelInput) input: RegisterModelInput,
  ): Promise<EncoderModel> {
    return ctx.services.models.register(input);
  }
}
