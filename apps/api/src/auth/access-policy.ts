// Declaring who may use each GraphQL field, and enforcing it. A policy maps `Type.field` (or `Type.*`
// for every field of an object type) to a role; fields of the root types (Query, Mutation,
// Subscription) must each be named, so a new operation never inherits a role by accident.
// `undeclaredFields` lists the fields a policy misses: a test over the real schema fails on any.
//
// Enforcement: authentication happens once per request (a key-mode request without a valid key
// never reaches execution); only fields that need more than `viewer` get a resolver wrapper, so
// the common read path pays nothing per field.
import { defaultFieldResolver, GraphQLError, isObjectType, type GraphQLField, type GraphQLSchema } from 'graphql';
import { forbidden, type AuthError } from './auth-errors';
import type { Caller } from './caller';
import { allows, type Access } from './roles';

export type AccessPolicy = Readonly<Record<string, Access>>;

function rootTypeNames(schema: GraphQLSchema): Set<string> {
  return new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((type) =>
      type === null || type === undefined ? [] : [type.name],
    ),
  );
}

/** The access declared for a field, or undefined. Root-type fields only by name, others also by `Type.*`. */
export function declaredAccess(
  policy: AccessPolicy,
  typeName: string,
  fieldName: string,
  isRoot: boolean,
): Access | undefined {
  return policy[`${typeName}.${fieldName}`] ?? (isRoot ? undefined : policy[`${typeName}.*`]);
}

function* objectFields(
  schema: GraphQLSchema,
): Generator<{ typeName: string; fieldName: string; isRoot: boolean; field: GraphQLField<unknown, unknown> }> {
  const roots = rootTypeNames(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const [fieldName, field] of Object.entries(type.getFields())) {
      yield { typeName: type.name, fieldName, isRoot: roots.has(type.name), field };
    }
  }
}

/** `Type.field` of every object-type field the policy does not cover (introspection types excepted). */
export function undeclaredFields(schema: GraphQLSchema, policy: AccessPolicy): string[] {
  const missing: string[] = [];
  for (const { typeName, fieldName, isRoot } of objectFields(schema)) {
    if (declaredAccess(policy, typeName, fieldName, isRoot) === undefined) missing.push(`${typeName}.${fieldName}`);
  }
  return missing;
}

/** Policy entries that name no field or type of the schema (left over after a rename), and wildcards on root types. */
export function unknownDeclarations(schema: GraphQLSchema, policy: AccessPolicy): string[] {
  const roots = rootTypeNames(schema);
  const known = new Set<string>();
  for (const { typeName, fieldName, isRoot } of objectFields(schema)) {
    known.add(`${typeName}.${fieldName}`);
    if (!isRoot) known.add(`${typeName}.*`);
  }
  return Object.keys(policy).filter(
    (entry) => !known.has(entry) || (entry.endsWith('.*') && roots.has(entry.slice(0, -2))),
  );
}

export function toGraphQLAuthError(error: AuthError): GraphQLError {
  return new GraphQLError(error.message, { extensions: { code: error.code, ...error.details } });
}

/** Throws FORBIDDEN (as a GraphQL error with that code) unless `caller` may use something needing `needed`. */
export function assertAllowed(caller: Caller | undefined, needed: Access, coordinate: string): void {
  if (caller === undefined)
    throw new Error(`no caller in the GraphQL context for ${coordinate}: the context factory must authenticate`);
  if (caller.kind === 'open') return;
  if (!allows(caller.role, needed)) throw toGraphQLAuthError(forbidden(needed, caller.role));
}

/**
 * Wraps, in place, the resolvers (and subscription sources) of the fields that need more than
 * `viewer`; `callerOf` reads the request's authenticated caller from the context. Throws when the
 * policy misses a field, so a schema with an undeclared field cannot be served.
 */
export function enforceAccessPolicy<C>(
  schema: GraphQLSchema,
  policy: AccessPolicy,
  callerOf: (context: C) => Caller | undefined,
): GraphQLSchema {
  const missing = undeclaredFields(schema, policy);
  if (missing.length > 0) throw new Error(`the access policy declares no role for: ${missing.join(', ')}`);
  for (const { typeName, fieldName, isRoot, field } of objectFields(schema)) {
    const needed = declaredAccess(policy, typeName, fieldName, isRoot)!;
    if (needed === 'public' || needed === 'viewer') continue;
    const coordinate = `${typeName}.${fieldName}`;
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context, info) => {
      assertAllowed(callerOf(context as C), needed, coordinate);
      return resolve(source, args, context, info);
    };
    const subscribe = field.subscribe;
    if (subscribe !== undefined) {
      field.subscribe = (source, args, context, info) => {
        assertAllowed(callerOf(context as C), needed, coordinate);
        return subscribe(source, args, context, info);
      };
    }
  }
  return schema;
}
