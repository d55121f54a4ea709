// Inputs of detectors: createDetector, detect, and the detectors filter.
import { GraphQLJSON } from 'graphql-scalars';
import { IsOptional, IsUUID, Length, ValidateNested } from 'class-validator';
import { ArgsType, Field, Float, ID, InputType, Int } from 'type-graphql';
import { ScoringMethod } from '../../shared/enums';
import { PageArgs } from '../../shared/pagination';

@InputType({
  description:
    'Give evaluationRunId (the detector inherits its mining run, method, parameters and permutation and is calibrated on its ID set) ' +
    'or miningRunId + method (+ params, seed); then tpr (default 0.95, calibrated on calibrationImageSetId or the evaluation’s ID set) or threshold',
})
export class CreateDetectorInput {
  @Field()
  @Length(1, 200)
  name!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  evaluationRunId?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID()
  miningRunId?: string;

  @Field(() => ScoringMethod, {
    nullable: true,
    description: 'With miningRunId: mcm, neglabel or debiased (static methods)',
  })
  method?: ScoringMethod;

  @Field(() => GraphQLJSON, { nullable: true, description: 'With miningRunId: hyperparameter overrides' })
  params?: Record<string, unknown>;

  @Field(() => Int, {
    nullable: true,
    description: 'With miningRunId: seed of the grouping permutation (grouped methods)',
  })
  seed?: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Target ID true-positive rate in (0, 1); default 0.95 unless threshold is given',
  })
  tpr?: number;

  @Field(() => Float, {
    nullable: true,
    description: 'An explicit threshold instead of a calibration (is_ood = score < threshold)',
  })
  threshold?: number;

  @Field(() => ID, { nullable: true, description: 'ID image set to calibrate on (default: the evaluation’s ID set)' })
  @IsOptional()
  @IsUUID()
  calibrationImageSetId?: string;
}

@InputType()
export class DetectEmbeddingsInput {
  @Field({ description: 'M × d float32/float64 .npy of raw image embeddings, base64-encoded' })
  npyBase64!: string;
}

@InputType({ description: 'Exactly one of embeddings, imagesBase64 (image files; ONNX models only) or imageSetId' })
export class DetectInput {
  @Field(() => DetectEmbeddingsInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  embeddings?: DetectEmbeddingsInput;

  @Field(() => [String], {
    nullable: true,
    description: 'Image files (JPEG, PNG, ...), base64-encoded; embedded by the model’s vision tower',
  })
  imagesBase64?: string[];

  @Field(() => ID, { nullable: true, description: 'An image set whose embeddings of the detector’s model are cached' })
  @IsOptional()
  @IsUUID()
  imageSetId?: string;
}

@InputType()
export class DetectorFilter {
  @Field(() => ID, { nullable: true })
  labelSetId?: string;

  @Field(() => ID, { nullable: true })
  modelId?: string;

  @Field(() => ScoringMethod, { nullable: true })
  method?: ScoringMethod;

  @Field(() => ID, { nullable: true })
  evaluationRunId?: string;
}

@ArgsType()
export class DetectorsArgs extends PageArgs {
  @Field(() => DetectorFilter, { nullable: true })
  filter?: DetectorFilter;
}
