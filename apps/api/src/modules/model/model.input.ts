// Input of registerModel: an ONNX folder, or an imported embedding space (vectors computed elsewhere).
import { IsInt, IsOptional, Length, Max, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { Backbone } from '../../shared/enums';

@InputType()
export class RegisterModelInput {
  @Field()
  @Length(1, 200)
  name!: string;

  @Field({
    nullable: true,
    description: 'Absolute path of an ONNX CLIP folder under NEGMINE_MODEL_ROOTS (give this or importedEmbeddingDim)',
  })
  @IsOptional()
  folder?: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Width of an imported embedding space: its vectors are uploaded with importEmbeddings',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65_536)
  importedEmbeddingDim?: number;

  @Field(() => Backbone, { nullable: true, description: 'Backbone id, for hyperparameter presets (e.g. vit_b16)' })
  @IsOptional()
  backbone?: Backbone;
}
