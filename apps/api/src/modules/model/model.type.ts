// GraphQL type of an encoder model: an ONNX CLIP folder or an imported embedding space.
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Backbone, ModelKind, ModelStatus } from '../../shared/enums';

@ObjectType()
export class EncoderModel {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => ModelKind)
  kind!: ModelKind;

  @Field(() => String, { nullable: true, description: 'ONNX model folder (onnx_folder models)' })
  folder!: string | null;

  @Field(() => Backbone, { nullable: true, description: 'Backbone whose hyperparameter presets apply' })
  backbone!: Backbone | null;

  @Field(() => Int)
  embeddingDim!: number;

  @Field({ description: 'sha256 identifying the model (ONNX bytes, tokenizer, preprocessing) or the imported space' })
  contentHash!: string;

  @Field(() => ModelStatus)
  status!: ModelStatus;

  @Field()
  createdAt!: Date;
}
