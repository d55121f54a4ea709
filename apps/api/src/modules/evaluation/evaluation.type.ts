// GraphQL types of evaluations: runs, their per-OOD-set results with curves, and run comparisons.
import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { ScoringMethod, SweepRole } from '../../shared/enums';
import { RunLifecycleFields } from '../../runs/run-lifecycle.type';
import { OodMetricFields } from './ood-metric-fields.type';

@ObjectType({
  description:
    'A warning of the scoring method (e.g. a guard that changed the arithmetic), with the image set it arose on',
})
export class ScoringWarningRecord {
  @Field(() => ID, {
    nullable: true,
    description: 'The image set being scored when it was raised (null: the run as a whole)',
  })
  imageSetId!: string | null;

  @Field({ description: 'ScoringWarningCode of @negmine/mining' })
  code!: string;

  @Field()
  message!: string;

  @Field(() => GraphQLJSON)
  details!: unknown;
}

@ObjectType({ description: "The mean of each metric over a run's OOD sets" })
export class MeanOodMetrics extends OodMetricFields {}

@ObjectType()
export class RocPoint {
  @Field(() => Float)
  fpr!: number;

  @Field(() => Float)
  tpr!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Score threshold (null for the (0, 0) end, whose threshold is +infinity)',
  })
  threshold!: number | null;
}

@ObjectType()
export class ScoreHistograms {
  @Field(() => [Float], { description: 'bins + 1 increasing edges' })
  edges!: number[];

  @Field(() => [Int])
  idCounts!: number[];

  @Field(() => [Int])
  oodCounts!: number[];
}

@ObjectType()
export class EvaluationResult extends OodMetricFields {
  @Field(() => ID)
  evaluationRunId!: string;

  @Field(() => ID)
  oodImageSetId!: string;

  @Field(() => Int)
  nId!: number;

  @Field(() => Int)
  nOod!: number;

  @Field(() => Float, { description: 'Score threshold of fprAtTprId (scores >= it are accepted as ID)' })
  thresholdAtTprId!: number;

  @Field(() => Int, { description: 'Images where a numerical guard of the scoring method changed the arithmetic' })
  guardHits!: number;
}

@ObjectType({
  description: "One order a stream method's run visits: an OOD set's stream, or a TANL queue initialisation",
})
export class StreamOrder {
  @Field({ description: 'stream | positiveInit | noiseInit' })
  kind!: string;

  @Field(() => ID, { nullable: true, description: 'kind stream: the OOD image set' })
  imageSetId?: string;

  @Field({ description: 'Given at launch (otherwise drawn from seed)' })
  given!: boolean;

  @Field(() => Float, { nullable: true, description: 'The SplitMix64 seed it was drawn from; null when given' })
  seed!: number | null;

  @Field(() => Int, { description: 'Entries (rows the order permutes)' })
  length!: number;

  @Field(() => String, {
    nullable: true,
    description:
      'SHA-256 of the order as little-endian int64 (the data of its .npy); null for a drawn order until the run succeeds',
  })
  sha256!: string | null;
}

@ObjectType()
export class EvaluationRun extends RunLifecycleFields {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  idempotencyKey!: string | null;

  @Field(() => ID)
  labelSetId!: string;

  @Field(() => ID)
  modelId!: string;

  @Field(() => ID, { nullable: true })
  miningRunId!: string | null;

  @Field(() => ScoringMethod)
  method!: ScoringMethod;

  @Field(() => GraphQLJSON, { description: 'Every scoring hyperparameter after preset and defaults' })
  params!: unknown;

  @Field(() => Int)
  seed!: number;

  @Field(() => Int)
  permutations!: number;

  /** The permutation given at launch (int32 little-endian), exposed by a field resolver as indices; lists leave it out (undefined). */
  groupPermutation?: Uint8Array | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Stream methods: seed of the orders not given (OOD set i: streamSeed + i); null for static methods',
  })
  streamSeed!: number | null;

  @Field(() => Int, { nullable: true, description: 'Stream methods: images per batch; null for static methods' })
  batchSize!: number | null;

  @Field(() => [StreamOrder], {
    description:
      'Stream methods: the stream order of each OOD set and the queue-initialisation orders (given at launch, or drawn from streamSeed; every SHA-256 is known once the run succeeds)',
  })
  streamOrders!: unknown;

  /** The orders given at launch (int32 little-endian, concatenated); read by the job only. */
  givenOrderData?: Uint8Array | null;

  @Field(() => ID)
  idImageSetId!: string;

  @Field(() => [ID])
  oodImageSetIds!: string[];

  @Field()
  modelHash!: string;

  @Field(() => Int)
  shardSize!: number;

  @Field(() => [ScoringWarningRecord], {
    description: 'Warnings the scoring method raised, per image set (empty until the run succeeds)',
  })
  warnings!: unknown;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description:
      'How the run was scored (evaluateMethod): protocol (static | stream), streamSeed, batchSize, recall, precision, grouping, extra inputs, and per OOD set id the method counters (e.g. AdaNeg admissions), guard hits, stream order (seed, sha256) and mean permutation std; null until the run succeeds',
  })
  diagnostics!: unknown;

  @Field(() => MeanOodMetrics, {
    nullable: true,
    description:
      "Mean of each metric over the run's OOD sets, as evaluateMethod computed it (null until the run succeeds, and for runs evaluated before it was stored)",
  })
  meanMetrics!: unknown;

  @Field(() => ID, {
    nullable: true,
    description: 'The validated sweep this run is a child of (launchSweep); null for a run launched on its own',
  })
  sweepId!: string | null;

  @Field(() => SweepRole, {
    nullable: true,
    description: 'In its sweep: a grid point on the validation sets, or the chosen point on the test sets',
  })
  sweepRole!: SweepRole | null;

  @Field(() => Int, {
    nullable: true,
    description: "In its sweep: the grid point's index (grid order); for the test run, the chosen index",
  })
  sweepIndex!: number | null;
}

@ObjectType()
export class ComparisonCell extends OodMetricFields {
  @Field(() => ID)
  evaluationRunId!: string;

  @Field(() => ScoringMethod)
  method!: ScoringMethod;
}

@ObjectType()
export class ComparisonRow {
  @Field(() => ID)
  oodImageSetId!: string;

  @Field()
  oodImageSetName!: string;

  @Field(() => [ComparisonCell], {
    description: 'One cell per compared run that evaluated this OOD set, in the order of ids',
  })
  cells!: ComparisonCell[];

  @Field(() => ID, { nullable: true, description: 'Run with the lowest fprAtTprId on this set' })
  bestByFprAtTprId!: string | null;

  @Field(() => ID, { nullable: true, description: 'Run with the highest AUROC on this set' })
  bestByAuroc!: string | null;
}

@ObjectType()
export class RunComparison {
  @Field(() => [EvaluationRun])
  runs!: EvaluationRun[];

  @Field(() => [ComparisonRow], {
    description:
      'Per OOD set, then an "average" row: each run\'s stored mean (meanMetrics), when every run evaluated the same OOD sets',
  })
  rows!: ComparisonRow[];
}
