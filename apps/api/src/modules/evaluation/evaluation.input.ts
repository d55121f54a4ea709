// Inputs of evaluations: launchEvaluation and the evaluationRuns filter/ordering.
import { GraphQLJSON } from 'graphql-scalars';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsOptional,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { RunStatus, ScoringMethod } from '../../shared/enums';
import { PageArgs } from '../../shared/pagination';

/** Most indices a given permutation may have (N − N mod G negatives); far above any mined list. */
export const MAX_PERMUTATION_LENGTH = 1_000_000;

@InputType({
  description:
    'An explicit group permutation, as `negmine score --permutation` takes it: after the last N mod G negatives are dropped, grouped row i is negative p[i]. ' +
    'Give exactly one of indices, npyBase64 or npyPath',
})
export class GroupPermutationInput {
  @Field(() => [Int], {
    nullable: true,
    description: 'The N − (N mod G) indices p, a permutation of 0..N − (N mod G) − 1',
  })
  @IsOptional()
  @ArrayMaxSize(MAX_PERMUTATION_LENGTH)
  indices?: number[];

  @Field({ nullable: true, description: 'The indices as a 1-D int64 (or int32) .npy, base64-encoded' })
  @IsOptional()
  npyBase64?: string;

  @Field({ nullable: true, description: 'Absolute path of that .npy under NEGMINE_IMPORT_ROOTS' })
  @IsOptional()
  @MaxLength(4096)
  npyPath?: string;
}

/** Largest stream batch a launch may ask for (the official loader uses 256). */
export const MAX_STREAM_BATCH_SIZE = 65_536;

@InputType({ description: 'An order given as an int64 (or int32) 1-D .npy: give exactly one of npyBase64 or npyPath' })
export class IndexOrderInput {
  @Field({ nullable: true, description: 'The .npy, base64-encoded' })
  @IsOptional()
  npyBase64?: string;

  @Field({ nullable: true, description: 'Absolute path of the .npy under NEGMINE_IMPORT_ROOTS' })
  @IsOptional()
  @MaxLength(4096)
  npyPath?: string;
}

@InputType({
  description:
    'Stream methods: the stream order of one OOD set, a permutation of 0..n_ood + n_id − 1 over the rows concat(OOD set, ID set) (as `negmine evaluate --stream-order NAME=FILE`)',
})
export class StreamOrderInput extends IndexOrderInput {
  @Field(() => ID, { description: 'The OOD image set this order streams' })
  @IsUUID()
  imageSetId!: string;
}

@InputType()
export class LaunchEvaluationInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Mining run whose negatives the method uses (required by neglabel, debiased, adaneg)',
  })
  @IsOptional()
  @IsUUID()
  miningRunId?: string;

  @Field(() => ID, { nullable: true, description: "Label set (default: the mining run's)" })
  @IsOptional()
  @IsUUID()
  labelSetId?: string;

  @Field(() => ID, { nullable: true, description: "Model (default: the mining run's)" })
  @IsOptional()
  @IsUUID()
  modelId?: string;

  @Field(() => ScoringMethod)
  method!: ScoringMethod;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Hyperparameter overrides, e.g. {"temperature": 0.01, "groups": 100, "tau": 0.5}',
  })
  @IsOptional()
  params?: Record<string, unknown>;

  @Field({
    nullable: true,
    description:
      "Debiased preset id (a backbone such as vit-b16, or a shifted ID set such as imagenet-a); default: the model's backbone",
  })
  @IsOptional()
  @Length(1, 50)
  preset?: string;

  @Field(() => Int, { nullable: true, description: 'Seed of the grouping permutations (grouped methods); default 0' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(0xffffffff)
  seed?: number;

  @Field(() => Int, { nullable: true, description: 'Number of permutations averaged (grouped methods); default 1' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  permutations?: number;

  @Field(() => GroupPermutationInput, {
    nullable: true,
    description:
      'Grouped methods: use this permutation instead of drawing one from seed (e.g. to reproduce a run of the reference code); permutations must be 1',
  })
  @IsOptional()
  @ValidateNested()
  permutation?: GroupPermutationInput;

  @Field(() => Int, {
    nullable: true,
    description:
      "Stream methods (adaneg, tanl): seed of the stream orders not given (OOD set i uses streamSeed + i) and of TANL's queue-initialisation orders; default: the run's seed",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  streamSeed?: number;

  @Field(() => Int, {
    nullable: true,
    description: `Stream methods: images per batch, 1 to ${MAX_STREAM_BATCH_SIZE}; default 256`,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_STREAM_BATCH_SIZE)
  batchSize?: number;

  @Field(() => [StreamOrderInput], {
    nullable: true,
    description: 'Stream methods: given stream orders per OOD set (the others are drawn from streamSeed)',
  })
  @IsOptional()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  streamOrders?: StreamOrderInput[];

  @Field(() => IndexOrderInput, {
    nullable: true,
    description:
      'tanl: the positive-queue initialisation order, a permutation of the ID labels (default: drawn from streamSeed)',
  })
  @IsOptional()
  @ValidateNested()
  positiveInitOrder?: IndexOrderInput;

  @Field(() => IndexOrderInput, {
    nullable: true,
    description:
      'tanl: the noise-queue initialisation order, a permutation of the noise images (default: drawn from streamSeed)',
  })
  @IsOptional()
  @ValidateNested()
  noiseInitOrder?: IndexOrderInput;

  @Field(() => ID)
  @IsUUID()
  idImageSetId!: string;

  @Field(() => [ID])
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  oodImageSetIds!: string[];

  @Field({ nullable: true, description: 'Launching again with the same key returns the same run instead of a new one' })
  @IsOptional()
  @Length(1, 200)
  idempotencyKey?: string;
}

@InputType()
export class EvaluationRunFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  labelSetId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  modelId?: string;

  @Field(() => ScoringMethod, { nullable: true })
  @IsOptional()
  method?: ScoringMethod;

  @Field(() => RunStatus, { nullable: true })
  @IsOptional()
  status?: RunStatus;

  @Field(() => Date, { nullable: true, description: 'Created at or after' })
  @IsOptional()
  createdAfter?: Date;

  @Field(() => Date, { nullable: true, description: 'Created before' })
  @IsOptional()
  createdBefore?: Date;
}

/** The columns evaluationRuns sorts by (each ordering is `<key>_asc` or `<key>_desc`). */
export const EVALUATION_RUN_SORT_KEYS = [
  'created',
  'method',
  'status',
  'labelSet',
  'model',
  'meanFprAtTprId',
  'meanFprAtTprOod',
  'meanAuroc',
  'duration',
  'oodSets',
] as const;
export type EvaluationRunSortKey = (typeof EVALUATION_RUN_SORT_KEYS)[number];

export enum EvaluationRunOrder {
  created_desc = 'created_desc',
  created_asc = 'created_asc',
  method_asc = 'method_asc',
  method_desc = 'method_desc',
  status_asc = 'status_asc',
  status_desc = 'status_desc',
  labelSet_asc = 'labelSet_asc',
  labelSet_desc = 'labelSet_desc',
  model_asc = 'model_asc',
  model_desc = 'model_desc',
  meanFprAtTprId_asc = 'meanFprAtTprId_asc',
  meanFprAtTprId_desc = 'meanFprAtTprId_desc',
  meanFprAtTprOod_asc = 'meanFprAtTprOod_asc',
  meanFprAtTprOod_desc = 'meanFprAtTprOod_desc',
  meanAuroc_asc = 'meanAuroc_asc',
  meanAuroc_desc = 'meanAuroc_desc',
  duration_asc = 'duration_asc',
  duration_desc = 'duration_desc',
  oodSets_asc = 'oodSets_asc',
  oodSets_desc = 'oodSets_desc',
}

registerEnumType(EvaluationRunOrder, {
  name: 'EvaluationRunOrder',
  description:
    'Sort key and direction of evaluationRuns; ties are broken by id in the same direction, so cursor paging is stable. ' +
    'method and status sort by their names; labelSet and model by the name of the label set / model; the means are over the ' +
    "run's OOD sets (as its results give them); duration is finishedAt − startedAt. Runs without the value (no results yet, " +
    'not finished) come last in either direction',
});

/** The key and direction of an ordering. */
export function sortOfOrder(order: EvaluationRunOrder): { key: EvaluationRunSortKey; direction: 'asc' | 'desc' } {
  const at = order.lastIndexOf('_');
  return { key: order.slice(0, at) as EvaluationRunSortKey, direction: order.slice(at + 1) === 'asc' ? 'asc' : 'desc' };
}

@ArgsType()
export class EvaluationRunsArgs extends PageArgs {
  @Field(() => EvaluationRunFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: EvaluationRunFilter;

  @Field(() => EvaluationRunOrder, { defaultValue: EvaluationRunOrder.created_desc })
  orderBy!: EvaluationRunOrder;
}
