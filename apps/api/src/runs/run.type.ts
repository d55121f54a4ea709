// GraphQL type of a run's progress (mining or evaluation), as the runProgress subscription sends it.
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { RunStatus } from '../shared/enums';
import { RUN_KINDS, type RunKind } from './run-kind';
import { RUN_EVENT_KINDS, type RunEventKind } from './run-event';

/** The GraphQL enum of the domain's run kinds (registered from RUN_KINDS, so the two cannot differ). */
export const RunKindEnum = Object.fromEntries(RUN_KINDS.map((kind) => [kind, kind])) as { readonly [K in RunKind]: K };

registerEnumType(RunKindEnum, { name: 'RunKind' });

/** The GraphQL enum of what can happen to a run (from RUN_EVENT_KINDS). */
export const RunEventKindEnum = Object.fromEntries(RUN_EVENT_KINDS.map((kind) => [kind, kind])) as {
  readonly [K in RunEventKind]: K;
};

registerEnumType(RunEventKindEnum, { name: 'RunEventKind' });

@ObjectType({
  description: 'One thing that happened to a run: an attempt started, failed or was handed back, a re-queue, the end',
})
export class RunEvent {
  @Field(() => Int, { description: 'The attempt it happened in (1 = the first)' })
  attempt!: number;

  @Field(() => RunEventKindEnum)
  event!: RunEventKind;

  @Field(() => String, { nullable: true, description: 'The reason or error message' })
  message!: string | null;

  @Field(() => String, { nullable: true, description: 'The error code of a failure' })
  code!: string | null;

  @Field(() => Date)
  at!: Date;
}

@ObjectType()
export class RunProgress {
  @Field(() => ID)
  runId!: string;

  @Field(() => RunKindEnum)
  kind!: RunKind;

  @Field(() => RunStatus)
  status!: RunStatus;

  @Field(() => Float, { description: '0..1' })
  progress!: number;

  @Field(() => String, { nullable: true })
  statusReason!: string | null;

  @Field(() => String, { nullable: true })
  error!: string | null;
}
