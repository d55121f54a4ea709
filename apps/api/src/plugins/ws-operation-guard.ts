// The graphql-ws side of the query limits: graphql-ws parses and validates operations itself
// (without a token limit and with the standard rules only), so its `onSubscribe` uses this to parse
// with the token limit and validate with the same limit rules as HTTP; problems go back to the
// client as GraphQL errors (bounded like HTTP ones), and nothing runs.
import {
  GraphQLError,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { boundedMessage } from './error-formatting';
import { queryLimitRules, queryParseOptions, type QueryLimits } from './query-limits';

export interface WsPayload {
  readonly query: string;
  readonly operationName?: string | null;
  readonly variables?: Record<string, unknown> | null;
}

export type CheckedOperation =
  | {
      readonly document: DocumentNode;
      readonly operationName?: string;
      readonly variableValues?: Record<string, unknown>;
    }
  | { readonly errors: readonly GraphQLError[] };

function clientError(error: GraphQLError): GraphQLError {
  const code = typeof error.extensions['code'] === 'string' ? error.extensions['code'] : 'GRAPHQL_VALIDATION_FAILED';
  return new GraphQLError(boundedMessage(error.message), { extensions: { code } });
}

/** Parses (token limit) and validates (standard rules + limits) a graphql-ws operation. */
export function checkWsOperation(schema: GraphQLSchema, limits: QueryLimits, payload: WsPayload): CheckedOperation {
  if (typeof payload.query !== 'string')
    return {
      errors: [
        new GraphQLError('the subscribe payload has no query string', { extensions: { code: 'BAD_USER_INPUT' } }),
      ],
    };
  let document: DocumentNode;
  try {
    document = parse(payload.query, queryParseOptions(limits));
  } catch (error) {
    const message = error instanceof GraphQLError ? boundedMessage(error.message) : 'the query could not be parsed';
    return { errors: [new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })] };
  }
  const problems = validate(schema, document, [...specifiedRules, ...queryLimitRules(limits)], { maxErrors: 20 });
  if (problems.length > 0) return { errors: problems.map(clientError) };
  if (getOperationAST(document, payload.operationName ?? undefined) === null) {
    return {
      errors: [
        new GraphQLError('the document has no operation of that name (or several operations and no operationName)', {
          extensions: { code: 'BAD_USER_INPUT' },
        }),
      ],
    };
  }
  return {
    document,
    ...(payload.operationName === undefined || payload.operationName === null
      ? {}
      : { operationName: payload.operationName }),
    ...(payload.variables === undefined || payload.variables === null ? {} : { variableValues: payload.variables }),
  };
}
