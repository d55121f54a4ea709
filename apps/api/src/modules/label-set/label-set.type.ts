// GraphQL type of a label set: the ID class names a classifier knows, with prompt templates.
import { Field, ID, ObjectType } from 'type-graphql';
import { valueFields } from '../../shared/selection-within';

/** The fields that are values of a label set's own row (labelCount counts its labels). */
export const LABEL_SET_VALUES = valueFields([
  'id',
  'name',
  'labels',
  'labelCount',
  'promptTemplates',
  'archived',
  'createdAt',
  'updatedAt',
]);

@ObjectType()
export class LabelSet {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => [String], { description: 'ID class names, in order' })
  labels!: string[];

  @Field(() => [String], { description: "Prompt templates; '{}' is replaced by the label" })
  promptTemplates!: string[];

  @Field({ description: 'Archived label sets may be deleted together with their runs' })
  archived!: boolean;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}
