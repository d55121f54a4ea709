// Bounded, input-free error responses. Whatever the input, an error response stays small: each
// validation problem is listed once (path + rule messages, never the offending value or the whole
// input object that class-validator attaches as `target`), at most MAX_PROBLEMS of them with the total
// count; graphql-js messages that quote the input ("got invalid value …") lose the quote; every
// message is cut at MAX_MESSAGE_LENGTH; an operation's error list is de-duplicated and capped; in
// production no stack trace or exception detail is sent.
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';

export const MAX_PROBLEMS = 20;
export const MAX_ERRORS = 20;
export const MAX_MESSAGE_LENGTH = 300;
const MAX_EXTENSION_JSON = 1_000;

export interface ValidationProblem {
  /** Where in the arguments, e.g. `input.labels[3].name`. */
  readonly path: string;
  readonly messages: readonly string[];
}

interface ClassValidatorError {
  readonly property?: unknown;
  readonly constraints?: Record<string, unknown>;
  readonly children?: readonly ClassValidatorError[];
}

function truncate(text: string, max = MAX_MESSAGE_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A message without quoted input: graphql-js's variable coercion errors quote the value
 * (`Variable "$input" got invalid value { … }; …`, `… cannot represent a non string value: …`).
 */
export function boundedMessage(message: string): string {
  const unquoted = message
    .replace(/^(Variable "\$[^"]+") got invalid value [\s\S]*?; (?=[A-Z])/, '$1 got an invalid value; ')
    .replace(/^(Variable "\$[^"]+") got invalid value [\s\S]*$/, '$1 got an invalid value')
    .replace(/(cannot represent (?:a |an )?[\w -]*?value): [\s\S]*$/, '$1')
    .replace(/(Expected value of type "[^"]+"), found [\s\S]*?(;|$)/, '$1$2');
  return truncate(unquoted);
}

function isIndex(property: string): boolean {
  return /^\d+$/.test(property);
}

/** Flattens class-validator errors into one problem per path (messages de-duplicated), in input order. */
export function validationProblems(
  errors: readonly ClassValidatorError[],
  prefix = '',
): { problems: ValidationProblem[]; total: number } {
  const byPath = new Map<string, Set<string>>();
  const visit = (error: ClassValidatorError, parent: string, depth: number): void => {
    const property = typeof error.property === 'string' ? error.property : '?';
    const path = parent === '' ? property : isIndex(property) ? `${parent}[${property}]` : `${parent}.${property}`;
    const messages = Object.values(error.constraints ?? {}).filter(
      (message): message is string => typeof message === 'string',
    );
    if (messages.length > 0) {
      const set = byPath.get(path) ?? new Set<string>();
      for (const message of messages) set.add(truncate(message, 200));
      byPath.set(path, set);
    }
    if (depth < 20) for (const child of error.children ?? []) visit(child, path, depth + 1);
  };
  for (const error of errors) visit(error, prefix, 0);
  const problems = [...byPath.entries()].map(([path, messages]) => ({
    path: truncate(path, 200),
    messages: [...messages],
  }));
  return { problems: problems.slice(0, MAX_PROBLEMS), total: problems.length };
}

function boundedExtensions(extensions: Record<string, unknown>, production: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extensions)) {
    if (key === 'validationErrors' && Array.isArray(value)) {
      const { problems, total } = validationProblems(value as ClassValidatorError[]);
      out['problems'] = problems;
      out['problemCount'] = total;
      continue;
    }
    if (production && (key === 'stacktrace' || key === 'exception')) continue;
    if (typeof value === 'string') out[key] = truncate(value);
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) out[key] = value;
    else if (JSON.stringify(value)?.length <= MAX_EXTENSION_JSON) out[key] = value;
  }
  return out;
}

/** One formatted error made bounded (for Apollo's formatError, after the code mapping of errors.ts). */
export function boundedFormattedError(
  formatted: GraphQLFormattedError,
  options: { production: boolean },
): GraphQLFormattedError {
  const problems = Array.isArray(formatted.extensions?.['validationErrors']);
  // graphql-js's notice after 50 variable errors has no code of its own; Apollo would call it internal.
  if (formatted.message.startsWith('Too many errors processing variables')) {
    return {
      message: 'too many invalid values in the variables; the first ones are listed',
      extensions: { code: 'BAD_USER_INPUT' },
    };
  }
  return {
    message: problems ? 'the arguments are invalid; see extensions.problems' : boundedMessage(formatted.message),
    ...(formatted.locations === undefined ? {} : { locations: formatted.locations.slice(0, 5) }),
    ...(formatted.path === undefined ? {} : { path: formatted.path }),
    ...(formatted.extensions === undefined
      ? {}
      : { extensions: boundedExtensions(formatted.extensions as Record<string, unknown>, options.production) }),
  };
}

/** An operation's errors, each distinct (message and code) error once, at most MAX_ERRORS plus a summary. */
export function boundedErrorList(
  errors: readonly GraphQLFormattedError[],
  maxErrors = MAX_ERRORS,
): GraphQLFormattedError[] {
  const seen = new Set<string>();
  const distinct: GraphQLFormattedError[] = [];
  let dropped = 0;
  for (const error of errors) {
    const key = `${String(error.extensions?.['code'])}\u0000${error.message}\u0000${JSON.stringify(error.path ?? [])}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (distinct.length < maxErrors) distinct.push(error);
    else dropped += 1;
  }
  if (dropped > 0) {
    distinct.push({
      message: `${dropped} more errors are not listed`,
      extensions: { code: String(distinct[0]?.extensions?.['code'] ?? 'BAD_USER_INPUT'), omittedErrors: dropped },
    });
  }
  return distinct;
}

/** Apollo plugin applying boundedErrorList to every single (non-incremental) response. */
export function boundedErrorsPlugin<C extends object>(maxErrors = MAX_ERRORS): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { errors } = response.body.singleResult;
          if (errors !== undefined && errors.length > 1)
            response.body.singleResult.errors = boundedErrorList(errors, maxErrors);
        },
      };
    },
  };
}
