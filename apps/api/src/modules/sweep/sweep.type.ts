// GraphQL types of validated sweeps: the sweep (a run kind of its own), its sets and its children.
import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { RunLifecycleFields } from '../../runs/run-lifecycle.type';
import { ScoringMethod } from '../../shared/enums';
import { SweepObjective } from './sweep.input';

@ObjectType({ description: 'An ID image set and the OOD image sets evaluated against it' })
export class SweepSets {
  @Field(() => ID)
  idImageSetId!: string;

  @Field(() => [ID])
  oodImageSetIds!: string[];
}

@ObjectType({ description: 'One grid point of a sweep, evaluated on the validation sets' })
export class SweepChild {
  @Field(() => Int, { description: 'Index in grid order' })
  index!: number;

  @Field(() => GraphQLJSON, { description: 'Every scoring parameter of the point (resolved)' })
  params!: unknown;

  @Field(() => Float, { description: "The objective's value: the mean over the validation OOD sets" })
  objectiveValue!: number;

  @Field(() => ID, { description: 'The evaluation run of this point (results, curves, scores)' })
  evaluationRunId!: string;
}

@ObjectType({
  description:
    'A validated hyperparameter sweep: every grid point evaluated on the validation sets, the best by the objective chosen (the first best in grid order on ties), then that point alone evaluated on the test sets',
})
export class Sweep extends RunLifecycleFields {
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

  @Field(() => SweepObjective)
  objective!: SweepObjective;

  @Field(() => GraphQLJSON, { description: 'Values per parameter, as resolved (given, or the declared sweep lists)' })
  grid!: unknown;

  @Field(() => GraphQLJSON, {
    description: 'Parameters under every point: defaults, the preset and the fixed parameters given',
  })
  baseParams!: unknown;

  @Field(() => Int, { description: 'Grid points (validation evaluations)' })
  points!: number;

  @Field(() => SweepSets)
  validation!: SweepSets;

  @Field(() => SweepSets, { nullable: true })
  test!: SweepSets | null;

  @Field(() => Int, { nullable: true, description: 'Index of the chosen point (null until the sweep succeeds)' })
  bestIndex!: number | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Parameters of the chosen point' })
  bestParams!: unknown;

  @Field(() => [SweepChild], { description: 'The grid points in grid order (empty until the sweep succeeds)' })
  children!: SweepChild[];

  @Field(() => ID, {
    nullable: true,
    description:
      'The evaluation of the chosen point on the test sets (null without test sets or until the sweep succeeds)',
  })
  testRunId!: string | null;
}
