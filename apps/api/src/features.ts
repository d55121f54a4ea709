// The one list of features, in dependency order (a feature builds on the services of those
// before it), and the types that the app, the schema and the context derive from it.
import type { Feature, FeatureJobs, FeatureRoute, Infrastructure } from './feature';
import { JOB_NAMES } from './jobs/queue';
import { detectorFeature } from './modules/detector';
import { embeddingFeature } from './modules/embedding';
import { evaluationFeature } from './modules/evaluation';
import { imageSetFeature } from './modules/image-set';
import { importFeature } from './modules/import';
import { labelSetFeature } from './modules/label-set';
import { miningFeature } from './modules/mining';
import { modelFeature } from './modules/model';
import { sweepFeature } from './modules/sweep';
import { runsFeature } from './runs';

export const FEATURES = [
  runsFeature,
  labelSetFeature,
  modelFeature,
  imageSetFeature,
  importFeature,
  embeddingFeature,
  miningFeature,
  evaluationFeature,
  sweepFeature,
  detectorFeature,
] as const;

type AnyFeature = (typeof FEATURES)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type ProvidesOf<F> = F extends Feature<infer P, infer _N, infer _L> ? P : never;
type LoadersOf<F> = F extends Feature<infer _P, infer _N, infer L> ? L : never;

/** Every feature's services, by name. */
export type FeatureServices = UnionToIntersection<ProvidesOf<AnyFeature>>;
/** Every feature's per-request loaders, by name. */
export type FeatureLoaders = UnionToIntersection<LoadersOf<AnyFeature>>;

type LooseFeature = Feature<object, object, object>;
const features = FEATURES as readonly LooseFeature[];

/** Builds the services of every feature in order, checking that what each needs was built before it. */
export function createFeatureServices(infrastructure: Infrastructure): FeatureServices {
  const built: Record<string, unknown> = {};
  for (const feature of features) {
    const missing = feature.needs.filter((name) => !(name in built));
    if (missing.length > 0)
      throw new Error(
        `feature '${feature.name}' needs ${missing.join(', ')}, which no feature listed before it provides`,
      );
    const provided = feature.createServices(infrastructure, built);
    const clash = Object.keys(provided).filter((name) => name in built);
    if (clash.length > 0) throw new Error(`feature '${feature.name}' provides ${clash.join(', ')} again`);
    Object.assign(built, provided);
  }
  return built as FeatureServices;
}

export function createFeatureLoaders(services: FeatureServices): FeatureLoaders {
  return Object.assign({}, ...features.map((feature) => feature.createLoaders?.(services) ?? {})) as FeatureLoaders;
}

/** The job bodies of every feature; each queue job has exactly one. */
export function featureJobs(services: FeatureServices, infrastructure: Infrastructure): Required<FeatureJobs> {
  const jobs: Record<string, unknown> = {};
  for (const feature of features) {
    for (const [name, body] of Object.entries(feature.createJobs?.(services, infrastructure) ?? {})) {
      if (name in jobs) throw new Error(`job '${name}' has two bodies (feature '${feature.name}' adds a second)`);
      jobs[name] = body;
    }
  }
  const missing = JOB_NAMES.filter((name) => !(name in jobs));
  if (missing.length > 0) throw new Error(`no feature executes the jobs ${missing.join(', ')}`);
  return jobs as unknown as Required<FeatureJobs>;
}

export function featureResolvers(): Feature<object>['resolvers'] {
  return features.flatMap((feature) => feature.resolvers);
}

/** Every feature's HTTP routes, in feature order. */
export function featureRoutes(services: FeatureServices): readonly FeatureRoute[] {
  return features.flatMap((feature) => feature.createRoutes?.(services) ?? []);
}
