// type-graphql middleware for resolver classes: an explicit `null` in arguments means "not given"
// (GraphQL clients send null for omitted variables), so services see `undefined` and never filter
// on NULL. Applied per resolver class, not globally: a global middleware wraps every scalar field.
import { UseMiddleware, type MiddlewareFn } from 'type-graphql';

function stripNulls(value: unknown): void {
  if (value === null || typeof value !== 'object' || value instanceof Date) return;
  if (Array.isArray(value)) {
    value.forEach(stripNulls);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (record[key] === null) delete record[key];
    else stripNulls(record[key]);
  }
}

export const nullArgumentsMiddleware: MiddlewareFn = ({ args }, next) => {
  stripNulls(args);
  return next();
};

/** Class decorator: strips null arguments before every operation and field resolver of the class. */
export function NullArguments(): ClassDecorator & MethodDecorator {
  return UseMiddleware(nullArgumentsMiddleware);
}
