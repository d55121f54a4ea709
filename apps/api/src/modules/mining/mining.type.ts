// GraphQL types of mining: corpora, mining runs and their negative labels.
import { GraphQLJSON } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { SelectionMethod } from '../../shared/enums';
import { RunLifecycleFields } from '../../runs/run-lifecycle.type';

@ObjectType()
export class Corpus {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'sha256 of the source and the ordered entries' })
  versionHash!: string;

  @Field({ description: "'wordnet' or 'imported'" })
  source!: string;

  @Field(() => GraphQLJSON, { description: 'Options the corpus was built with' })
  options!: unknown;

  @Field(() => Int)
  entryCount!: number;

  @Field()
  createdAt!: Date;
}

@ObjectType()
export class NegativeLabel {
  @Field(() => ID)
  miningRunId!: string;

  @Field(() => Int, { description: '0-based position in the selection (kept nouns, then kept adjectives)' })
  rank!: number;

  @Field(() => Int, { description: 'Row of the candidate in the corpus' })
  corpusIndex!: number;

  @Field()
  word!: string;

  @Field({ description: "'noun' or 'adj'" })
  pos!: string;

  @Field(() => String, { nullable: true, description: 'WordNet lexicographer file' })
  lexname!: string | null;

  @Field(() => Float, { description: 'The selection statistic (the sort key; smaller is selected first)' })
  statistic!: number;

  @Field(() => [String], {
    description:
      'Why the candidate may be a false negative: synonym, hyponym, hypernym (WordNet relations to an ID label), nearIdLabel (cosine above 0.95)',
  })
  falseNegativeFlags!: string[];

  @Field()
  flagged!: boolean;

  @Field(() => String, { nullable: true })
  nearestIdLabel!: string | null;

  @Field(() => Float, { nullable: true, description: 'Cosine to the nearest ID label' })
  nearestIdCosine!: number | null;
}

@ObjectType()
export class MiningRun extends RunLifecycleFields {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  labelSetId!: string;

  @Field(() => ID)
  modelId!: string;

  @Field(() => ID)
  corpusId!: string;

  @Field(() => SelectionMethod)
  selectionMethod!: SelectionMethod;

  @Field(() => GraphQLJSON, { description: 'Resolved selection parameters (preset, defaults and overrides)' })
  selectionParams!: unknown;

  @Field(() => [String], { description: 'The ID labels as they were when the run was created' })
  labelsSnapshot!: string[];

  @Field()
  modelHash!: string;
}
