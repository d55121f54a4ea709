// GraphQL type of a run's progress (mining or evaluation), as the runProgress subscription sends it.
import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { RunStatus } from '../common/enums';

export enum RunKind {
  mining = 'mining',
  evaluation = 'evaluation',
}

registerEnumType(RunKind, { name: 'RunKind' });

@ObjectType()
export class RunProgress {
  @Field(() => ID)
  runId!: string;

  @Field(() => RunKind)
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
