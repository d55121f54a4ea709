// Inputs of validated sweeps: launchSweep (grid, objective, validation and test sets) and the sweeps page.
import { GraphQLJSON } from 'graphql-scalars';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsInt,
  IsOptional,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { SweepObjective } from '../../generated/prisma/enums.js';
import { ScoringMethod } from '../../shared/enums';
import { PageArgs } from '../../shared/pagination';
import { MAX_STREAM_BATCH_SIZE } from '../evaluation/evaluation.input';

export { SweepObjective };

registerEnumType(SweepObjective, {
  name: 'SweepObjective',
  description:
    'What a sweep optimises, as the mean over the validation OOD sets: auroc (higher is better), fprAtTprId or fprAtTprOod (lower is better)',
});

@InputType({ description: 'An ID image set and the OOD image sets evaluated against it' })
export class SweepSetsInput {
  @Field(() => ID)
  @IsUUID()
  idImageSetId!: string;

  @Field(() => [ID])
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  oodImageSetIds!: string[];
}

@InputType()
export class LaunchSweepInput {
  @Field(() => ID, {
    nullable: true,
    description: 'Mining run whose negatives the method uses (required by neglabel, debiased, adaneg, tanl)',
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
    description:
      'Values to try per parameter, e.g. {"tau": [0.05, 0.1, 0.2], "groups": [50, 100]} (every combination is a point); default: the method\'s declared sweep lists',
  })
  @IsOptional()
  grid?: Record<string, unknown>;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'Fixed parameters under every point (a grid value overrides them), as launchEvaluation params',
  })
  @IsOptional()
  baseParams?: Record<string, unknown>;

  @Field({ nullable: true, description: "Debiased preset id (default: the model's backbone), as launchEvaluation" })
  @IsOptional()
  @Length(1, 50)
  preset?: string;

  @Field(() => SweepObjective)
  objective!: SweepObjective;

  @Field(() => SweepSetsInput, { description: 'Where every grid point is evaluated and the best one chosen' })
  @ValidateNested()
  validation!: SweepSetsInput;

  @Field(() => SweepSetsInput, {
    nullable: true,
    description: 'Where the chosen point alone is evaluated (never used for the choice)',
  })
  @IsOptional()
  @ValidateNested()
  test?: SweepSetsInput;

  @Field(() => Int, { nullable: true, description: 'Seed of the grouping permutations (grouped methods); default 0' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(0xffffffff)
  seed?: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Stream methods: seed of the stream orders (OOD set i uses streamSeed + i); default: seed',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  streamSeed?: number;

  @Field(() => Int, { nullable: true, description: `Stream methods: images per batch, 1 to ${MAX_STREAM_BATCH_SIZE}` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_STREAM_BATCH_SIZE)
  batchSize?: number;

  @Field({
    nullable: true,
    description: 'Launching again with the same key returns the same sweep instead of a new one',
  })
  @IsOptional()
  @Length(1, 200)
  idempotencyKey?: string;
}

@ArgsType()
export class SweepsArgs extends PageArgs {}
