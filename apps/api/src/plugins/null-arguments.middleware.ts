// type-graphql middleware for resolver classes: an explicit `null` in arguments means "not given"
// (GraphQL clients send null for omitted variables), so services see `undefined` and never filter
// on NULL. Applied per resolver class, not globally: a global middleware wraps every scalar field.
import { getMetadataStorage, UseMiddleware, type MiddlewareFn } from 'type-graphql';

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

/**
 * Class decorator: strips null arguments before every operation and field resolver of the class
 * that takes arguments. Methods without @Arg/@Args get no middleware: a middleware makes
 * type-graphql run a field resolver through its async middleware chain, which for field resolvers
 * such as `labelSet` runs once per row of every list (a tenth of the CPU of a 50-run page).
 * Parameter decorators run before class decorators, so the metadata is complete here.
 */
export function NullArguments(): ClassDecorator {
  return (target) => {
    const withArguments = new Set(
      getMetadataStorage()
        .params.filter((param) => param.target === target && (param.kind === 'arg' || param.kind === 'args'))
        .map((param) => param.methodName),
    );
    for (const methodName of withArguments) {
      const descriptor = Object.getOwnPropertyDescriptor(target.prototype, methodName);
      if (descriptor !== undefined)
        UseMiddleware(nullArgumentsMiddleware)(target.prototype as object, methodName, descriptor);
    }
  };
}

/**
 * The type of a field resolver's `@Root()` parameter. With the class itself as the reflected
 * type, type-graphql copies the parent object into a new instance of that class for every call
 * (once per row and field of a list); a mapped type reflects as Object, which it passes through.
 */
export type RootOf<T> = Readonly<T>;
