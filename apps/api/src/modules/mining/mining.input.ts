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

/** The columns miningRuns sorts by (each ordering is `<key>_asc` or `<key>_desc`). */
export const MINING_RUN_SORT_KEYS = [
  'created',
  'selectionMethod',
  'status',
  'labelSet',
  'model',
  'negativeCount',
  'duration',
] as const;
export type MiningRunSortKey = (typeof MINING_RUN_SORT_KEYS)[number];

export enum MiningRunOrder {
  created_desc = 'created_desc',
  created_asc = 'created_asc',
  selectionMethod_asc = 'selectionMethod_asc',
  selectionMethod_desc = 'selectionMethod_desc',
  status_asc = 'status_asc',
  status_desc = 'status_desc',
  labelSet_asc = 'labelSet_asc',
  labelSet_desc = 'labelSet_desc',
  model_asc = 'model_asc',
  model_desc = 'model_desc',
  negativeCount_asc = 'negativeCount_asc',
  negativeCount_desc = 'negativeCount_desc',
  duration_asc = 'duration_asc',
  duration_desc = 'duration_desc',
}

registerEnumType(MiningRunOrder, {
  name: 'MiningRunOrder',
  description:
    'Sort key and direction of miningRuns; ties are broken by id in the same direction, so cursor paging is stable. ' +
    'selectionMethod and status sort by their names; labelSet and model by the name of the label set / model; ' +
    'duration is finishedAt − startedAt, and runs not finished come last in either direction',
});

/** The key and direction of an ordering. */
export function sortOfMiningOrder(order: MiningRunOrder): { key: MiningRunSortKey; direction: 'asc' | 'desc' } {
  const at = order.lastIndexOf('_');
  return { key: order.slice(0, at) as MiningRunSortKey, direction: order.slice(at + 1) === 'asc' ? 'asc' : 'desc' };
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

  @Field(() => MiningRunOrder, { defaultValue: MiningRunOrder.created_desc })
  orderBy!: MiningRunOrder;
}
