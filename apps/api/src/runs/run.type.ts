// GraphQL type of a run's progress (mining or evaluation), as the runProgress subscription sends it.
import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { RunStatus } from '../shared/enums';
import { RUN_KINDS, type RunKind } from './run-kind';

/** The GraphQL enum of the domain's run kinds (registered from RUN_KINDS, so the two cannot differ). */
export const RunKindEnum = Object.fromEntries(RUN_KINDS.map((kind) => [kind, kind])) as { readonly [K in RunKind]: K };

registerEnumType(RunKindEnum, { name: 'RunKind' });

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
