// GraphQL type of an image set: a folder of images, or imported image embeddings of one model.
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ImageSetKind } from '../../shared/enums';

@ObjectType()
export class ImageSet {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => ImageSetKind)
  kind!: ImageSetKind;

  @Field(() => String, { nullable: true })
  folder!: string | null;

  @Field(() => ID, { nullable: true, description: 'For imported embeddings: the model whose space they live in' })
  modelId!: string | null;

  @Field(() => Int)
  imageCount!: number;

  @Field({ description: 'sha256 over the ordered image content hashes' })
  contentHash!: string;

  @Field()
  createdAt!: Date;
}
