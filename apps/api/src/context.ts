// The per-request GraphQL context: the services (shared) and fresh DataLoaders (per request, so
// batching never leaks data between requests and a field over a list costs one query, not N).
// Both come from the features (features.ts).
import type { Caller } from './auth/caller';
import type { ApiConfig } from './config';
import { createFeatureLoaders, type FeatureLoaders, type FeatureServices } from './features';
import type { Logger } from './logger';
import type { ResponseCacheScope } from './plugins/immutable-response-cache';

export type ApiServices = FeatureServices & {
  readonly config: ApiConfig;
  readonly logger: Logger;
};

export type Loaders = FeatureLoaders;

export interface ApiContext {
  readonly services: ApiServices;
  readonly loaders: Loaders;
  readonly logger: Logger;
  /** Who is calling (authenticated by the server before execution); absent only in direct-execution specs, where fields above `viewer` fail closed. */
  readonly caller?: Caller;
  /** Present when this request's answer may be stored whole (plugins/immutable-response-cache.ts). */
  readonly responseCache?: ResponseCacheScope;
}

export function createContext(services: ApiServices, caller?: Caller, responseCache?: ResponseCacheScope): ApiContext {
  return {
    services,
    loaders: createFeatureLoaders(services),
    logger: services.logger,
    ...(caller === undefined ? {} : { caller }),
    ...(responseCache === undefined ? {} : { responseCache }),
  };
}
