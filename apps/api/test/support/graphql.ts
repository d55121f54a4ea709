// Runs GraphQL operations in-process against the built schema (Apollo executeOperation), with the
// API's error formatting, and unwraps single results.
import type { ApolloServer } from '@apollo/server';
import type { AllServices } from '../../src/app';
import { createContext, type ApiContext } from '../../src/context';
import { buildApiSchema } from '../../src/schema';
import { createApollo } from '../../src/server';

export interface GraphqlResult<T> {
  readonly data?: T;
  readonly errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

export interface GraphqlClient {
  exec<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphqlResult<T>>;
  /** Like exec, but fails the test on errors and returns data. */
  data<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

export async function graphqlClient(services: AllServices): Promise<GraphqlClient> {
  const apollo: ApolloServer<ApiContext> = createApollo(await buildApiSchema(), services);
  await apollo.start();
  const exec = async <T>(query: string, variables?: Record<string, unknown>): Promise<GraphqlResult<T>> => {
    const response = await apollo.executeOperation<T>({ query, variables }, { contextValue: createContext(services) });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult as GraphqlResult<T>;
  };
  return {
    exec,
    async data<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
      const result = await exec<T>(query, variables);
      if (result.errors !== undefined && result.errors.length > 0)
        throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
      return result.data as T;
    },
    stop: () => apollo.stop(),
  };
}
