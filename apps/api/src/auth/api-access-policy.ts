// Who may use what, in one place: every GraphQL field of the service and every HTTP route.
// viewer: queries, subscriptions, downloads. operator: label sets, image sets, imports, mining,
// evaluations, detectors, cancel. admin: models, keys, deletes (data carries no owner yet, so every
// delete is an admin's). access-policy.spec.ts walks the built schema and fails on any field missing here.
import type { AccessPolicy } from './access-policy';
import type { Access } from './roles';

export const API_ACCESS_POLICY: AccessPolicy = {
  // Reads
  'Query.evaluationRuns': 'viewer',
  'Query.evaluationRun': 'viewer',
  'Query.compareRuns': 'viewer',
  'Query.imageSets': 'viewer',
  'Query.imageSet': 'viewer',
  'Query.labelSets': 'viewer',
  'Query.labelSet': 'viewer',
  'Query.miningRuns': 'viewer',
  'Query.miningRun': 'viewer',
  'Query.negatives': 'viewer',
  'Query.corpora': 'viewer',
  'Query.models': 'viewer',
  'Query.runStatus': 'viewer',
  'Subscription.runProgress': 'viewer',
  'Query.detectors': 'viewer',
  'Query.detector': 'viewer',
  'Query.sweep': 'viewer',
  'Query.sweeps': 'viewer',
  // Work on the team's data
  'Mutation.createLabelSet': 'operator',
  'Mutation.updateLabelSet': 'operator',
  'Mutation.registerImageSet': 'operator',
  'Mutation.importEmbeddings': 'operator',
  'Mutation.mineNegatives': 'operator',
  'Mutation.launchEvaluation': 'operator',
  'Mutation.launchSweep': 'operator',
  'Mutation.cancelRun': 'operator',
  // Detectors (issue 11): creating one and running one are work with the team's detectors.
  'Mutation.createDetector': 'operator',
  'Mutation.detect': 'operator',
  // Administration
  'Mutation.registerModel': 'admin',
  'Mutation.deleteLabelSet': 'admin',
  'Mutation.deleteDetector': 'admin',
  // Fields of the objects the operations above return: whoever may reach the object may read them.
  'EvaluationRunConnection.*': 'viewer',
  'EvaluationRunEdge.*': 'viewer',
  'EvaluationRun.*': 'viewer',
  'Sweep.*': 'viewer',
  'SweepSets.*': 'viewer',
  'SweepChild.*': 'viewer',
  'SweepConnection.*': 'viewer',
  'SweepEdge.*': 'viewer',
  'EvaluationResult.*': 'viewer',
  'MeanOodMetrics.*': 'viewer',
  'ScoringWarningRecord.*': 'viewer',
  'StreamOrder.*': 'viewer',
  'ImageSet.*': 'viewer',
  'ImageDecodeFailure.*': 'viewer',
  'ImageDecodeFailureConnection.*': 'viewer',
  'ImageDecodeFailureEdge.*': 'viewer',
  'RocPoint.*': 'viewer',
  'ScoreHistograms.*': 'viewer',
  'LabelSet.*': 'viewer',
  'EncoderModel.*': 'viewer',
  'MiningRun.*': 'viewer',
  'NegativesSummary.*': 'viewer',
  'NegativeValueCount.*': 'viewer',
  'StatisticHistogram.*': 'viewer',
  'Corpus.*': 'viewer',
  'PageInfo.*': 'viewer',
  'RunComparison.*': 'viewer',
  'ComparisonRow.*': 'viewer',
  'ComparisonCell.*': 'viewer',
  'MiningRunConnection.*': 'viewer',
  'MiningRunEdge.*': 'viewer',
  'NegativeLabelConnection.*': 'viewer',
  'NegativeLabelEdge.*': 'viewer',
  'NegativeLabel.*': 'viewer',
  'RunProgress.*': 'viewer',
  'RunEvent.*': 'viewer',
  'ImportEmbeddingsResult.*': 'viewer',
  'Detector.*': 'viewer',
  'DetectorOodMetrics.*': 'viewer',
  'DetectorDownloads.*': 'viewer',
  'DetectorConnection.*': 'viewer',
  'DetectorEdge.*': 'viewer',
  'DetectResult.*': 'viewer',
  'Detection.*': 'viewer',
};

/** One HTTP route: method, path (a trailing `*` matches a prefix) and who may call it. */
export interface RouteAccess {
  readonly method: 'GET' | 'POST' | 'HEAD';
  readonly path: string;
  readonly access: Access;
}

/**
 * The HTTP routes. POST /graphql authenticates the request and leaves the rest to the field policy;
 * the pages (GraphiQL, dashboard) are static and ask for a key in the browser when one is needed.
 */
export const HTTP_ROUTE_ACCESS: readonly RouteAccess[] = [
  { method: 'GET', path: '/healthz', access: 'public' },
  { method: 'GET', path: '/readyz', access: 'public' },
  { method: 'GET', path: '/', access: 'public' },
  { method: 'GET', path: '/dashboard*', access: 'public' },
  { method: 'GET', path: '/graphiql-assets*', access: 'public' },
  // GET /graphql is GraphiQL's page for a browser (served before this guard) or a GraphQL query.
  { method: 'GET', path: '/graphql', access: 'viewer' },
  { method: 'POST', path: '/graphql', access: 'viewer' },
  // Detector downloads (detector.onnx, detector.json, pipeline.onnx): downloads are a viewer's.
  { method: 'GET', path: '/detectors/*', access: 'viewer' },
  // POST /detectors/:id/detect (detect.routes.ts): the HTTP form of Mutation.detect, the same role.
  { method: 'POST', path: '/detectors/*', access: 'operator' },
  // Per-image scores of an evaluation run (evaluation-scores.routes.ts): /runs/:id/scores.csv|.npy.
  { method: 'GET', path: '/runs/*', access: 'viewer' },
  // Exports of a mining run's negatives (negative-exports.routes.ts): /mining-runs/:id/negatives.csv|.json|.txt.
  { method: 'GET', path: '/mining-runs/*', access: 'viewer' },
];

/** The declared access of a request, or undefined for a route that is not declared (answered 404). */
export function routeAccess(
  method: string,
  path: string,
  routes: readonly RouteAccess[] = HTTP_ROUTE_ACCESS,
): Access | undefined {
  const normalisedMethod = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  for (const route of routes) {
    if (route.method !== normalisedMethod) continue;
    const matches = route.path.endsWith('*') ? path.startsWith(route.path.slice(0, -1)) : path === route.path;
    if (matches) return route.access;
  }
  return undefined;
}
