// What a feature (modules/<feature>/index.ts) contributes to the service: its resolvers, its
// services (built from the shared infrastructure and the services of the features before it),
// its per-request DataLoaders and its job bodies. app.ts, schema.ts and context.ts loop over
// features.ts; nothing else names a feature's classes.
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
  readonly 'encode-text'?: ShardJobBody<'encode-text'>;
  readonly 'encode-images'?: ShardJobBody<'encode-images'>;
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
}

/** Declares a feature; the identity function keeps the inferred Provides/Needs types. */
export function defineFeature<Provides extends object, Needs extends object = object, Loaders extends object = object>(
  feature: Feature<Provides, Needs, Loaders>,
): Feature<Provides, Needs, Loaders> {
  return feature;
}



