// What a feature (modules/<feature>/index.ts) contributes to the service: its resolvers, its
// services (built from the shared infrastructure and the services of the features before it),
// its per-request DataLoaders and its job bodies. app.ts, schema.ts and context.ts loop over
// features.ts; nothing else names a feature's classes.
import type { RequestHandler } from 'express';
import type { ApiConfig } from './config';
import type { PrismaClient } from './db/prisma.service';
import type { JobQueue } from './jobs/queue';
import type { Logger } from './logger';
import type { RunJobBody, ShardJobBody } from './runs/run-job';

/** What every feature may build on. */
export interface Infrastructure {
  readonly prisma: PrismaClient;
  readonly queue: Pick<JobQueue, 'send'>;
  readonly config: ApiConfig;
  readonly logger: Logger;
}

/** The job bodies a feature executes, by queue job. */
export interface FeatureJobs {
  readonly mine?: RunJobBody;
  readonly evaluate?: RunJobBody;
  readonly sweep?: RunJobBody;
  readonly 'encode-text'?: ShardJobBody<'encode-text'>;
  readonly 'encode-images'?: ShardJobBody<'encode-images'>;
}

/**
 * An HTTP route a feature serves beside /graphql (downloads, exports). Its access is declared in
 * auth/api-access-policy.ts (HTTP_ROUTE_ACCESS) like every other route; errors go out as the JSON
 * body of plugins/http-errors.ts.
 */
export interface FeatureRoute {
  readonly method: 'GET' | 'POST';
  /** An express path pattern, e.g. `/detectors/:id/detector.onnx`. */
  readonly path: string;
  readonly handle: RequestHandler;
}

/** A class with type-graphql decorators (what buildSchema takes as a resolver). */
export type ResolverClass = abstract new (...args: never[]) => object;

export interface Feature<Provides extends object, Needs extends object = object, Loaders extends object = object> {
  readonly name: string;
  readonly resolvers: readonly ResolverClass[];
  /** Names of the services of earlier features this one builds on (checked when the app is composed). */
  readonly needs: readonly (keyof Needs & string)[];
  createServices(infrastructure: Infrastructure, needs: Needs): Provides;
  /** DataLoaders for one request (fresh per request, so batching never leaks data between requests). */
  createLoaders?(services: Provides & Needs): Loaders;
  createJobs?(services: Provides & Needs, infrastructure: Infrastructure): FeatureJobs;
  /** HTTP routes beside /graphql, built from the services once when the server starts. */
  createRoutes?(services: Provides & Needs): readonly FeatureRoute[];
}

/** Declares a feature; the identity function keeps the inferred Provides/Needs types. */
export function defineFeature<Provides extends object, Needs extends object = object, Loaders extends object = object>(
  feature: Feature<Provides, Needs, Loaders>,
): Feature<Provides, Needs, Loaders> {
  return feature;
}
