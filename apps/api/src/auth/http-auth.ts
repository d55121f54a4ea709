// Authentication and route roles for express, and for graphql-ws connections. The HTTP guard runs
// before every route: it looks the route up in HTTP_ROUTE_ACCESS, authenticates the caller when the
// route is not public, answers 401/403 as JSON, and leaves the caller in `res.locals.caller` for
// the GraphQL context.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiKeyStore } from './api-key.store';
import { AuthError, forbidden } from './auth-errors';
import { callerRole, type Caller } from './caller';
import { authenticate, bearerKey, connectionParamsKey, type AccessMode } from './credentials';
import type { FailedAuthLimiter } from './failed-auth-limiter';
import { HTTP_ROUTE_ACCESS, routeAccess, type RouteAccess } from './api-access-policy';
import { allows } from './roles';
import { RateLimitedError, sendRateLimited } from '../plugins/rate-limit';

export interface AuthSettings {
  readonly mode: AccessMode;
  readonly store: Pick<ApiKeyStore, 'verify'>;
  /** Refuses keys from an address with too many failed authentications (429) before hashing them. */
  readonly failures?: FailedAuthLimiter;
}

/** Authenticates `key` (undefined: none sent); a presented key that fails counts against `address`. */
async function authenticateFrom(
  settings: AuthSettings,
  key: string | undefined,
  address: string | undefined,
): Promise<Caller> {
  if (key === undefined || settings.failures === undefined) return authenticate(settings.store, settings.mode, key);
  await settings.failures.assertAllowed(address);
  try {
    return await authenticate(settings.store, settings.mode, key);
  } catch (error) {
    if (error instanceof AuthError && error.code === 'UNAUTHENTICATED') await settings.failures.recordFailure(address);
    throw error;
  }
}

export function sendAuthError(res: Response, error: AuthError): void {
  if (error.code === 'UNAUTHENTICATED') res.setHeader('WWW-Authenticate', 'Bearer realm="negmine"');
  res
    .status(error.httpStatus)
    .json({ errors: [{ message: error.message, extensions: { code: error.code, ...error.details } }] });
}

/** The caller of an HTTP request (Authorization header). */
export function authenticateRequest(
  settings: AuthSettings,
  req: Pick<Request, 'headers'> & { readonly socket?: { readonly remoteAddress?: string | undefined } },
): Promise<Caller> {
  return Promise.resolve().then(() =>
    authenticateFrom(settings, bearerKey(req.headers.authorization), req.socket?.remoteAddress),
  );
}

export function httpAccessGuard(
  settings: AuthSettings,
  routes: readonly RouteAccess[] = HTTP_ROUTE_ACCESS,
): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const access = routeAccess(req.method, req.path, routes);
    // Undeclared routes are a JSON 404 whatever handler exists (a route serves only once declared).
    if (access === undefined) {
      res.status(404).json({
        errors: [
          {
            message: `no route ${req.method} ${req.path.slice(0, 200)}; the API is POST /graphql`,
            extensions: { code: 'NOT_FOUND' },
          },
        ],
      });
      return;
    }
    if (access === 'public') {
      next();
      return;
    }
    let caller: Caller;
    try {
      caller = await authenticateRequest(settings, req);
      if (!allows(callerRole(caller), access)) throw forbidden(access, callerRole(caller));
    } catch (error) {
      if (error instanceof RateLimitedError) {
        sendRateLimited(res, error);
        return;
      }
      if (!(error instanceof AuthError)) throw error;
      sendAuthError(res, error);
      return;
    }
    res.locals['caller'] = caller;
    next();
  };
}

/** The caller the guard stored for this request (the GraphQL context factory reads it). */
export function requestCaller(res: Response): Caller | undefined {
  return res.locals['caller'] as Caller | undefined;
}

/** The caller of a graphql-ws connection (connectionParams.Authorization); throws AuthError or RateLimitedError. */
export function authenticateConnection(
  settings: AuthSettings,
  connectionParams: Readonly<Record<string, unknown>> | undefined | null,
  address?: string,
): Promise<Caller> {
  return Promise.resolve().then(() => authenticateFrom(settings, connectionParamsKey(connectionParams), address));
}
