// The OOD-detection metrics that a per-set result and a comparison cell both expose, described
// once. Not a GraphQL type of its own: only its subclasses are reachable from the schema.
import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({ description: 'OOD metrics of one ID vs OOD comparison (not exposed as a type of its own)' })
export class OodMetricFields {
  @Field(() => Float, { description: 'FPR at 95% TPR, ID positive (the paper, MCM, NegLabel)' })
  fprAtTprId!: number;

  @Field(() => Float, { description: 'FPR at 95% TPR, OOD positive (OpenOOD v1.5)' })
  fprAtTprOod!: number;

  @Field(() => Float)
  auroc!: number;

  @Field(() => Float)
  auprIn!: number;

  @Field(() => Float)
  auprOut!: number;
}
