// Input of importEmbeddings: a .npy of float32 vectors (base64 or a path under an allowed root)
// for a label set's names, a candidate corpus, a new image set, or the model's noise images (TANL), with the row order.
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsOptional,
  IsUUID,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';

export enum EmbeddingTarget {
  label_names = 'label_names',
  corpus = 'corpus',
  image_set = 'image_set',
  noise = 'noise',
}

registerEnumType(EmbeddingTarget, { name: 'EmbeddingTarget', description: 'What the imported rows are' });

@InputType()
export class CorpusEntryInput {
  @Field()
  @Length(1, 500)
  word!: string;

  @Field({ description: "'noun' or 'adj'" })
  @IsIn(['noun', 'adj'])
  pos!: string;

  @Field({ nullable: true, description: "WordNet lexicographer file, e.g. 'noun.artifact'" })
  @IsOptional()
  @MaxLength(100)
  lexname?: string;
}

@InputType()
export class ImportEmbeddingsInput {
  @Field(() => EmbeddingTarget)
  target!: EmbeddingTarget;

  @Field(() => ID, { description: 'An imported_space model; the vectors live in its space' })
  @IsUUID()
  modelId!: string;

  @Field({
    nullable: true,
    description: 'The .npy file (float32 or float64, rows × dim) as base64; give this or npyPath',
  })
  @IsOptional()
  npyBase64?: string;

  @Field({
    nullable: true,
    description: 'Absolute path of the .npy file under NEGMINE_IMPORT_ROOTS; give this or npyBase64',
  })
  @IsOptional()
  @MaxLength(4096)
  npyPath?: string;

  @Field(() => ID, { nullable: true, description: 'target label_names: the label set' })
  @IsOptional()
  @IsUUID()
  labelSetId?: string;

  @Field(() => [String], {
    nullable: true,
    description: "target label_names: the label of each row (default: the set's order)",
  })
  @IsOptional()
  @ArrayMinSize(1)
  rowLabels?: string[];

  @Field(() => [CorpusEntryInput], {
    nullable: true,
    description: 'target corpus: the entry of each row, in row order',
  })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(1_000_000)
  @ValidateNested({ each: true })
  corpusEntries?: CorpusEntryInput[];

  @Field({ nullable: true, description: 'target image_set: the name of the new image set' })
  @IsOptional()
  @Length(1, 200)
  imageSetName?: string;
}
