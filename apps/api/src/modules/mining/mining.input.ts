// Inputs of mining: mineNegatives, the negatives connection (filters, ordering) and miningRuns.
import { GraphQLJSON } from 'graphql-scalars';
import { IsIn, IsOptional, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, registerEnumType } from 'type-graphql';
import { RunStatus, SelectionMethod } from '../../shared/enums';
import { PageArgs } from '../../shared/pagination';

@InputType()
export class MineNegativesInput {
  @Field(() => ID)
  @IsUUID()
  labelSetId!: string;

  @Field(() => ID)
  @IsUUID()
  modelId!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'Corpus to mine from (e.g. from importEmbeddings); default: WordNet (ONNX models only)',
  })
  @IsOptional()
  @IsUUID()
  corpusId?: string;

  @Field(() => SelectionMethod, { defaultValue: SelectionMethod.knn_density })
  selectionMethod!: SelectionMethod;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Overrides of the strategy\'s parameters, e.g. {"k": 100, "keepNoun": 0.23}',
  })
  @IsOptional()
  params?: Record<string, unknown>;
}

export enum NegativeOrder {
  rank_asc = 'rank_asc',
  statistic_asc = 'statistic_asc',
  statistic_desc = 'statistic_desc',
  word_asc = 'word_asc',
}

registerEnumType(NegativeOrder, { name: 'NegativeOrder' });

@InputType()
export class NegativeFilter {
  @Field({ nullable: true, description: "'noun' or 'adj'" })
  @IsOptional()
  @IsIn(['noun', 'adj'])
  pos?: string;

  @Field({ nullable: true, description: "WordNet lexicographer file, e.g. 'noun.artifact'" })
  @IsOptional()
  @MaxLength(100)
  lexname?: string;

  @Field({ nullable: true, description: 'Only flagged (possible false negatives) or only unflagged' })
  @IsOptional()
  flagged?: boolean;

  @Field({
    nullable: true,
    description:
      'Case-insensitive substring of the word, matched literally (% and _ are not wildcards); at most 200 characters',
  })
  @IsOptional()
  @MaxLength(200)
  search?: string;
}

@ArgsType()
export class NegativesArgs extends PageArgs {
  @Field(() => ID, {
    nullable: true,
    description: 'The mining run (or give labelSetId + modelId for the latest succeeded run)',
  })
  @IsOptional()
  @IsUUID()
  miningRunId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  labelSetId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  modelId?: string;

  @Field(() => NegativeFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: NegativeFilter;

  @Field(() => NegativeOrder, { defaultValue: NegativeOrder.rank_asc })
  orderBy!: NegativeOrder;
}

@ArgsType()
export class MiningRunsArgs extends PageArgs {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  labelSetId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  modelId?: string;

  @Field(() => RunStatus, { nullable: true })
  @IsOptional()
  status?: RunStatus;
}
