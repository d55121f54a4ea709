// GraphQL type of an encoder model: an ONNX CLIP folder or an imported embedding space.
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Backbone, ModelKind, ModelStatus } from '../../shared/enums';
import { valueFields } from '../../shared/selection-within';

/** The fields that are values of a model's own row. */
export const MODEL_VALUES = valueFields([
  'id',
  'name',
  'kind',
  'folder',
  'backbone',
  'embeddingDim',
  'contentHash',
  'status',
  'createdAt',
]);

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
