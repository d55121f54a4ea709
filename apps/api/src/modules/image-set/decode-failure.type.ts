// GraphQL types of decode failures: a file of a folder image set that a model could not decode
// (left out of every evaluation with that model), its connection and the arguments of
// ImageSet.decodeFailures.
import { IsOptional, IsUUID } from 'class-validator';
import { ArgsType, Field, ID, Int, ObjectType } from 'type-graphql';
import { connectionTypes, PageArgs } from '../../shared/pagination';

@ObjectType({
  description:
    'A file of a folder image set that could not be decoded or preprocessed for a model; evaluations with that model leave it out',
})
export class ImageDecodeFailure {
  @Field(() => ID)
  imageSetId!: string;

  @Field(() => Int, { description: "The file's 0-based position in the set (path order)" })
  position!: number;

  @Field(() => String, { nullable: true, description: "The file's path under the set's folder" })
  path!: string | null;

  @Field({ description: 'EncodersErrorCode of @negmine/encoders, e.g. IMAGE_DECODE_FAILED' })
  code!: string;

  @Field({ description: "The decoder's reason (the file named by its path in the set), at most 500 characters" })
  message!: string;

  @Field(() => ID, {
    description: 'The model whose encoding found it (models with identical files share their failures)',
  })
  modelId!: string;

  @Field({ description: 'Content hash of that model (the embedding cache key the failure belongs to)' })
  modelHash!: string;

  @Field({ description: 'When an encoding last found it' })
  updatedAt!: Date;
}

export const ImageDecodeFailureConnection = connectionTypes(ImageDecodeFailure, 'ImageDecodeFailure');

@ArgsType()
export class ImageSetDecodeFailuresArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: "Only this model's failures (default: every model's)" })
  @IsOptional()
  @IsUUID()
  modelId?: string;
}
