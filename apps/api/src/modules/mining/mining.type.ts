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

@ObjectType({ description: 'How many negatives of a run have one value of a column' })
export class NegativeValueCount {
  @Field(() => String, { nullable: true, description: 'The value (null: the negatives without one)' })
  value!: string | null;

  @Field(() => Int)
  count!: number;
}

@ObjectType({
  description:
    'Equal-width bins of the selection statistic over [min, max] of its finite values: bin i counts the values v with ' +
    'min(bins − 1, floor((v − min) / (max − min) · bins)) = i (one bin holding every value when min = max)',
})
export class StatisticHistogram {
  @Field(() => Float, { nullable: true, description: 'Smallest finite statistic (null without finite values)' })
  min!: number | null;

  @Field(() => Float, { nullable: true })
  max!: number | null;

  @Field(() => [Float], { description: 'bins + 1 edges from min to max (empty without finite values)' })
  edges!: number[];

  @Field(() => [Int], { description: 'Negatives per bin' })
  counts!: number[];

  @Field(() => Int, { description: 'Negatives whose statistic is NaN or infinite (in no bin)' })
  nonFinite!: number;
}

@ObjectType({
  description:
    "A summary of all of a run's negatives, computed in Postgres (and kept once the run succeeded, since its negatives never change)",
})
export class NegativesSummary {
  @Field(() => Int)
  total!: number;

  @Field(() => Int, { description: 'Negatives flagged as possible false negatives' })
  flagged!: number;

  @Field(() => [NegativeValueCount], { description: 'Per part of speech, most frequent first' })
  byPos!: NegativeValueCount[];

  @Field(() => [NegativeValueCount], { description: 'Per WordNet lexicographer file, most frequent first' })
  byLexname!: NegativeValueCount[];

  @Field(() => StatisticHistogram)
  statistic!: StatisticHistogram;
}
