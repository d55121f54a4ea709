// GraphQL types of detectors (per /work/coord/detector-contract.md): the frozen detector, its
// per-OOD-set metrics at its threshold, its download links, and detection results.
import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { ScoringMethod } from '../../shared/enums';

@ObjectType({
  description: "The source evaluation's metrics on one OOD set, and what the detector's threshold does there",
})
export class DetectorOodMetrics {
  @Field(() => ID)
  oodImageSetId!: string;

  @Field()
  oodName!: string;

  @Field(() => Float, { description: 'FPR at 95% TPR, ID positive (the evaluation’s)' })
  fprAtTprId!: number;

  @Field(() => Float, { description: 'FPR at 95% TPR, OOD positive (the evaluation’s)' })
  fprAtTprOod!: number;

  @Field(() => Float)
  auroc!: number;

  @Field(() => Float, {
    description: 'Fraction of this OOD set accepted as ID (score >= threshold) at the detector’s threshold',
  })
  fprAtThreshold!: number;

  @Field(() => Float, { description: 'Fraction of the evaluation’s ID set accepted at the detector’s threshold' })
  tprAtThreshold!: number;
}

@ObjectType({ description: 'Relative URLs of the detector’s files (GET, viewer)' })
export class DetectorDownloads {
  @Field()
  detectorOnnx!: string;

  @Field()
  detectorJson!: string;

  @Field(() => String, { nullable: true, description: 'Vision tower + detector in one graph (ONNX models only)' })
  pipelineOnnx!: string | null;
}

@ObjectType({ description: 'A frozen, calibrated OOD detector (immutable): is_ood = score < threshold' })
export class Detector {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => ScoringMethod)
  method!: ScoringMethod;

  @Field(() => GraphQLJSON, { description: 'Resolved parameters' })
  params!: unknown;

  @Field(() => Float, { description: 'is_ood = score < threshold' })
  threshold!: number;

  @Field(() => Float, { nullable: true, description: 'null when the threshold was given explicitly' })
  targetTpr!: number | null;

  @Field(() => Float, { nullable: true })
  achievedTpr!: number | null;

  @Field(() => ID, { nullable: true })
  calibrationImageSetId!: string | null;

  @Field(() => Int, { nullable: true })
  calibrationSize!: number | null;

  @Field(() => String, { nullable: true })
  calibrationSha256!: string | null;

  @Field(() => Int)
  embeddingDim!: number;

  @Field(() => ID)
  modelId!: string;

  @Field()
  modelHash!: string;

  @Field(() => ID)
  labelSetId!: string;

  @Field(() => [String], { description: 'ID label names; index = predictedClass' })
  labels!: string[];

  @Field(() => ID, { nullable: true })
  miningRunId!: string | null;

  @Field(() => ID, { nullable: true })
  evaluationRunId!: string | null;

  @Field(() => Int)
  negativeCount!: number;

  @Field()
  onnxSha256!: string;

  @Field()
  codeVersion!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => [DetectorOodMetrics], { description: 'Per OOD set of the source evaluation (empty otherwise)' })
  metrics!: DetectorOodMetrics[];

  @Field(() => DetectorDownloads)
  downloads!: DetectorDownloads;
}

@ObjectType()
export class Detection {
  @Field(() => Int)
  index!: number;

  @Field(() => Float, { description: 'Higher = more in-distribution' })
  score!: number;

  @Field()
  isOod!: boolean;

  @Field()
  predictedLabel!: string;

  @Field(() => Int)
  predictedClass!: number;

  @Field(() => Float)
  predictedProbability!: number;
}

@ObjectType()
export class DetectResult {
  @Field(() => ID)
  detectorId!: string;

  @Field(() => Int)
  count!: number;

  @Field(() => [Detection])
  results!: Detection[];
}
