// GraphQL result of importEmbeddings.
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { EmbeddingTarget } from './import.input';

@ObjectType()
export class ImportEmbeddingsResult {
  @Field(() => EmbeddingTarget)
  target!: EmbeddingTarget;

  @Field(() => Int)
  rows!: number;

  @Field(() => Int)
  embeddingDim!: number;

  @Field(() => ID, { nullable: true })
  labelSetId?: string;

  @Field(() => ID, { nullable: true, description: 'target corpus: the corpus to pass to mineNegatives' })
  corpusId?: string;

  @Field(() => ID, { nullable: true, description: 'target image_set: the new image set' })
  imageSetId?: string;
}
