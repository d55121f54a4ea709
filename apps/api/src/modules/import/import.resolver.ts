// GraphQL mutation importEmbeddings.
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { ApiContext } from '../../context';
import { ImportEmbeddingsInput } from './import.input';
import { ImportEmbeddingsResult } from './import.type';
import { NullArguments } from '../../plugins/null-arguments.middleware';

@NullArguments()
@Resolver()
export class ImportResolver {
  @Mutation(() => ImportEmbeddingsResult, {
    description:
      'Imports .npy vectors (base64 in the request, or a path under NEGMINE_IMPORT_ROOTS) for label names, a corpus or an image set of an imported space',
  })
  importEmbeddings(
    @Ctx() ctx: ApiContext,
    @Arg('input', () => ImportEmbeddingsInput) input: ImportEmbeddingsInput,
  ): Promise<ImportEmbeddingsResult> {
    return ctx.services.imports.importEmbeddings(input);
  }
}
