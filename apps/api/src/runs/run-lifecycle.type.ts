// The lifecycle fields every run type shares (mining and evaluation runs): status, progress,
// failure, provenance of the code, attempts, heartbeat and timings. Abstract: not a GraphQL type itself.
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { RunStatus } from '../shared/enums';

/** The lifecycle fields by name: all of them are values of the run's own row. */
export const RUN_LIFECYCLE_FIELDS = [
  'status',
  'progress',
  'statusReason',
  'error',
  'errorCode',
  'codeVersion',
  'attempts',
  'heartbeatAt',
  'createdAt',
  'startedAt',
  'finishedAt',
] as const;

@ObjectType({ description: 'Lifecycle fields shared by run types (not exposed as a type of its own)' })
export abstract class RunLifecycleFields {
  @Field(() => RunStatus)
  status!: RunStatus;

  @Field(() => Float, { description: '0..1' })
  progress!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Why the run is in its status (e.g. retried after a stale heartbeat, cancelled)',
  })
  statusReason!: string | null;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String, { nullable: true })
  errorCode!: string | null;

  @Field({ description: 'negmine package version that ran it, plus the git commit when run from a checkout' })
  codeVersion!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Date, { nullable: true })
  heartbeatAt!: Date | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}
