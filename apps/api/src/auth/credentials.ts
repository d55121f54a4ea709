// Where a request carries its API key: `Authorization: Bearer <key>` over HTTP, and the same value
// (key `Authorization` or `authorization`) in the graphql-ws connectionParams.
import type { ApiKeyStore } from './api-key.store';
import { unauthenticated } from './auth-errors';
import { OPEN_CALLER, type Caller } from './caller';

/** The key of an Authorization header value; undefined when there is none; UNAUTHENTICATED when it is not a Bearer one. */
export function bearerKey(header: string | readonly string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string') throw unauthenticated('more than one Authorization header');
  const match = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header);
  if (match === null) throw unauthenticated("the Authorization header is not 'Bearer <key>'");
  return match[1];
}

/** The key of graphql-ws connectionParams (`{ Authorization: "Bearer <key>" }`). */
export function connectionParamsKey(params: Readonly<Record<string, unknown>> | undefined | null): string | undefined {
  if (params === undefined || params === null) return undefined;
  const value = params['Authorization'] ?? params['authorization'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw unauthenticated('connectionParams.Authorization is not a string');
  return bearerKey(value);
}

/** What the service requires of callers: keys, or nothing (open mode, loopback only; see access-mode.ts). */
export type AccessMode = 'keys' | 'open';

/**
 * The caller: the verified key, or the open-mode local user when no key was sent in open mode. With
 * keys required, a missing key is UNAUTHENTICATED; a sent key is always verified (also in open mode).
 */
export async function authenticate(
  store: Pick<ApiKeyStore, 'verify'>,
  mode: AccessMode,
  key: string | undefined,
): Promise<Caller> {
  if (key !== undefined) return { kind: 'key', ...(await store.verify(key)) };
  if (mode === 'open') return OPEN_CALLER;
  throw unauthenticated('this service requires an API key');
}
