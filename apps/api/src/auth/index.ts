// Access control of the API: keys, roles, the access policy and its enforcement.
export { API_ACCESS_POLICY, HTTP_ROUTE_ACCESS, routeAccess, type RouteAccess } from './api-access-policy';
export { ApiKeyRepository } from './api-key.repository';
export { ApiKeyInputError, ApiKeyStore, type ApiKeyInfo, type KeyPrincipal } from './api-key.store';
export { accessModeFor, AccessModeError, isLoopbackHost, watchAccessMode, type AccessModeWatch } from './access-mode';
export {
  assertAllowed,
  declaredAccess,
  enforceAccessPolicy,
  toGraphQLAuthError,
  undeclaredFields,
  unknownDeclarations,
  type AccessPolicy,
} from './access-policy';
export { AuthError, forbidden, unauthenticated, type AuthErrorCode } from './auth-errors';
export { callerRole, OPEN_CALLER, type Caller } from './caller';
export { authenticate, bearerKey, connectionParamsKey, type AccessMode } from './credentials';
export {
  authenticateConnection,
  authenticateRequest,
  httpAccessGuard,
  requestCaller,
  sendAuthError,
  type AuthSettings,
} from './http-auth';
export { allows, isRole, PUBLIC, ROLES, type Access, type Role } from './roles';
