// Builds the GraphQL schema from the resolvers (type-graphql, with class-validator on: without
// `validate: true` input rules would be silently ignored).
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { EvaluationResolver, EvaluationResultResolver } from './modules/evaluation/evaluation.resolver';
import { ImageSetResolver } from './modules/image-set/image-set.resolver';
import { ImportResolver } from './modules/import/import.resolver';
import { LabelSetResolver } from './modules/label-set/label-set.resolver';
import { MiningResolver } from './modules/mining/mining.resolver';
import { ModelResolver } from './modules/model/model.resolver';
import { RunResolver } from './modules/run/run.resolver';
import { LocalPubSub } from './plugins/local-pub-sub';

let built: Promise<GraphQLSchema> | undefined;

/** The schema is the same for every server in a process, so it is built once. */
export function buildApiSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [
      LabelSetResolver,
      ModelResolver,
      ImageSetResolver,
      ImportResolver,
      MiningResolver,
      EvaluationResolver,
      EvaluationResultResolver,
      RunResolver,
    ],
    validate: { forbidUnknownValues: false },
    pubSub: new LocalPubSub(),
    emitSchemaFile: false,
  });
  return built;
}
