// The per-request GraphQL context: the services (shared) and fresh DataLoaders (per request, so
// batching never leaks data between requests and a field over a list costs one query, not N).
// Both come from the features (features.ts).
import type { ApiConfig } from './config';
import { createFeatureLoaders, type FeatureLoaders, type FeatureServices } from './features';
import type { Logger } from './logger';

export type ApiServices = FeatureServices & {
  readonly config: ApiConfig;
  readonly logger: Logger;
};

export type Loaders = FeatureLoaders;

export interface ApiContext {
  readonly services: ApiServices;
  readonly loaders: Loaders;
  readonly logger: Logger;
}

export function createContext(services: ApiServices): ApiContext {
  return { services, loaders: createFeatureLoaders(services), logger: services.logger };
}
