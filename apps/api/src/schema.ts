// Builds the GraphQL schema from the resolvers (type-graphql, with class-validator on: without
// `validate: true` input rules would be silently ignored).
import 'reflect-metadata';
import path from 'node:path';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { featureResolvers } from './features';
import { LocalPubSub } from './plugins/local-pub-sub';

let built: Promise<GraphQLSchema> | undefined;

/** The schema is the same for every server in a process, so it is built once. */
export function buildApiSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: featureResolvers() as never,
    validate: { forbidUnknownValues: false },
    pubSub: new LocalPubSub(),
    emitSchemaFile: false,
  });
  return built;
}

/** The committed schema (apps/api/schema.graphql). */
export const COMMITTED_SCHEMA_FILE = path.resolve(__dirname, '..', 'schema.graphql');

/** The schema as SDL, as committed in schema.graphql. */
export async function printApiSchema(): Promise<string> {
  return `${printSchema(await buildApiSchema())}\n`;
}
