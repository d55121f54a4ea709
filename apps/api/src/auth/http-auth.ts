// Authentication and route roles for express, and for graphql-ws connections. The HTTP guard runs
// before every route: it looks the route up in HTTP_ROUTE_ACCESS, authenticates the caller when the
// route is not public, answers 401/403 as JSON, and leaves the caller in `res.locals.caller` for
// the GraphQL context.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiKeyStore } from './api-key.store';
import { AuthError, forbidden } from './auth-errors';
import { callerRole, type Caller } from './caller';
import { authenticate, bearerKey, connectionParamsKey, type AccessMode } from './credentials';
import { HTTP_ROUTE_ACCESS, routeAccess, type RouteAccess } from './api-access-policy';
import { allows } from './roles';

export interface AuthSettings {
  readonly mode: AccessMode;
  readonly store: Pick<ApiKeyStore, 'verify'>;
}

export function sendAuthError(res: Response, error: AuthError): void {
  if (error.code === 'UNAUTHENTICATED') res.setHeader('WWW-Authenticate', 'Bearer realm="negmine"');
  res
    .status(error.httpStatus)
    .json({ errors: [{ message: error.message, extensions: { code: error.code, ...error.details } }] });
}

/** The caller of an HTTP request (Authorization header). */
export function authenticateRequest(settings: AuthSettings, req: Pick<Request, 'headers'>): Promise<Caller> {
  return Promise.resolve().then(() =>
    authenticate(settings.store, settings.mode, bearerKey(req.headers.authorization)),
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

/** The caller of a graphql-ws connection (connectionParams.Authorization); throws AuthError. */
export function authenticateConnection(
  settings: AuthSettings,
  connectionParams: Readonly<Record<string, unknown>> | undefined | null,
): Promise<Caller> {
  return Promise.resolve().then(() =>
    authenticate(settings.store, settings.mode, connectionParamsKey(connectionParams)),
  );
}
