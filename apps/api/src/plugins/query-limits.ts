// Static limits on a GraphQL operation, checked before it runs: depth, cost, aliases and directives
// (graphql-armor's validation rules), tokens (graphql-js's own parser limit) and the number of rows
// the connections of one operation may ask for (the page size of every `first` argument, multiplied
// through nested connections and summed: 1,000 aliases of `negatives(first: 500)` ask for 500,000).
// The numbers come from the configuration (limits-config.ts).
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxCost: number;
  readonly maxAliases: number;
  readonly maxDirectives: number;
  readonly maxTokens: number;
  /** Rows all connections of one operation may request together. */
  readonly maxRequestedRows: number;
  /** The largest `first` of a connection, assumed where `first` is a variable or absent. */
  readonly maxPageSize: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  // graphql-armor's cost multiplies by depth, so a results page (runs → results → metrics) of a
  // legitimate client costs ~9,000; the row budget below bounds the actual work.
  maxCost: 50_000,
  maxAliases: 20,
  maxDirectives: 20,
  maxTokens: 5_000,
  maxRequestedRows: 5_000,
  maxPageSize: 500,
};

export const QUERY_LIMIT_CODE = 'QUERY_TOO_COMPLEX';

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: QUERY_LIMIT_CODE } });
}

// graphql-armor throws on rejection (which would abort validation) unless told not to; a rejection is
// reported as a validation error with our code instead ("Syntax Error:" is armor's prefix, not true).
function reportRejection(): {
  propagateOnRejection: false;
  exposeLimits: true;
  onReject: Array<(context: ValidationContext | null, error: GraphQLError) => void>;
} {
  return {
    propagateOnRejection: false,
    exposeLimits: true,
    onReject: [(context, error) => context?.reportError(limitError(error.message.replace(/^Syntax Error: /, '')))],
  };
}

/** Rows requested by a selection: for each field with `first`, its page size times the rows below it. */
function requestedRows(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
  maxPageSize: number,
  seen: Set<string>,
): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const first = selection.arguments?.find((argument) => argument.name.value === 'first');
      const below =
        selection.selectionSet === undefined ? 0 : requestedRows(context, selection.selectionSet, maxPageSize, seen);
      if (first === undefined) {
        total += below;
      } else {
        const size = first.value.kind === Kind.INT ? Math.min(Number(first.value.value), maxPageSize) : maxPageSize;
        total += Math.max(0, size) * Math.max(1, below);
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      total += requestedRows(context, selection.selectionSet, maxPageSize, seen);
    } else {
      const name = selection.name.value;
      if (seen.has(name)) continue;
      const fragment = context.getFragment(name);
      if (fragment === undefined || fragment === null) continue;
      seen.add(name);
      total += requestedRows(context, fragment.selectionSet, maxPageSize, seen);
      seen.delete(name);
    }
    if (total > Number.MAX_SAFE_INTEGER / 2) return total;
  }
  return total;
}

export function requestedRowsRule(maxRequestedRows: number, maxPageSize: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation: OperationDefinitionNode) {
      const rows = requestedRows(context, operation.selectionSet, maxPageSize, new Set());
      if (rows > maxRequestedRows) {
        context.reportError(
          limitError(
            `the operation asks for up to ${rows} rows across its connections; at most ${maxRequestedRows} per operation (page with 'after', or ask fewer aliases)`,
          ),
        );
      }
    },
  });
}

/** The validation rules to add to Apollo's `validationRules` (and to graphql-ws's validation). */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  return [
    maxDepthRule({
      n: limits.maxDepth,
      ignoreIntrospection: true,
      flattenFragments: true,
      ...reportRejection(),
    }) as unknown as ValidationRule,
    costLimitRule({
      maxCost: limits.maxCost,
      ignoreIntrospection: true,
      ...reportRejection(),
    }) as unknown as ValidationRule,
    maxAliasesRule({ n: limits.maxAliases, ...reportRejection() }) as unknown as ValidationRule,
    maxDirectivesRule({ n: limits.maxDirectives, ...reportRejection() }) as unknown as ValidationRule,
    requestedRowsRule(limits.maxRequestedRows, limits.maxPageSize),
  ];
}

/** graphql-js parse options (Apollo's `parseOptions`): the token limit stops a huge document while it is read. */
export function queryParseOptions(limits: QueryLimits): { maxTokens: number } {
  return { maxTokens: limits.maxTokens };
}
