// Bad HTTP requests, table-driven, against the real server in production error mode (no stack
// traces): broken and missing bodies, wrong content types, batching, methods and routes that do not
// exist, malformed and unknown ids on the download routes, query shapes over the limits (depth,
// cost, directives, tokens), operation selection, subscriptions over HTTP, foreign origins, bad
// Authorization headers, oversized bodies. Each answer is JSON with a code, bounded, never HTML and
// never a stack trace, and no table gains or loses a row.
import { testConfig } from '../support/test-services';
import { startSecurityApp, type SecurityApp } from '../security/security-app';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const JSON_TYPE = { 'content-type': 'application/json' };
const MAX_BODY_BYTES = 64 * 1024;

interface HttpCase {
  readonly name: string;
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly status: number;
  readonly code: string;
  readonly message?: RegExp;
}

const gql = (body: unknown): string => JSON.stringify(body);

const CASES: readonly HttpCase[] = [
  { name: 'invalid JSON', body: '{"query": ', status: 400, code: 'INVALID_JSON' },
  { name: 'JSON null body', body: 'null', status: 400, code: 'INVALID_JSON' },
  { name: 'empty body', body: '', status: 400, code: 'BAD_REQUEST', message: /POST body missing/ },
  {
    name: 'body over the limit',
    body: gql({ query: '{ __typename }', padding: 'x'.repeat(MAX_BODY_BYTES) }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'text/plain (CSRF)',
    headers: { 'content-type': 'text/plain' },
    body: '{ __typename }',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'form-urlencoded (CSRF)',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'query=%7B__typename%7D',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'multipart (CSRF)',
    headers: { 'content-type': 'multipart/form-data; boundary=x' },
    body: '--x--',
    status: 400,
    code: 'BAD_REQUEST',
  },
  { name: 'no content type', headers: {}, body: gql({ query: '{ __typename }' }), status: 400, code: 'BAD_REQUEST' },
  {
    name: 'query not a string',
    body: gql({ query: 42 }),
    status: 400,
    code: 'BAD_REQUEST',
    message: /must be strings/,
  },
  {
    name: 'variables as a string',
    body: gql({ query: '{ __typename }', variables: 'x' }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'batched operations',
    body: gql([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    status: 400,
    code: 'BAD_REQUEST',
    message: /batching disabled/,
  },
  {
    name: 'mutation over GET',
    method: 'GET',
    path: `/graphql?query=${encodeURIComponent(`mutation { cancelRun(id: "${UNKNOWN}") { status } }`)}`,
    headers: { 'apollo-require-preflight': 'true' },
    status: 405,
    code: 'BAD_REQUEST',
    message: /only support query operations/,
  },
  { name: 'PUT /graphql', method: 'PUT', body: '{}', status: 404, code: 'NOT_FOUND', message: /no route PUT/ },
  { name: 'unknown route', method: 'GET', path: '/nope', status: 404, code: 'NOT_FOUND' },
  { name: 'path traversal', method: 'GET', path: '/dashboard/../../etc/passwd', status: 404, code: 'NOT_FOUND' },
  {
    name: 'encoded traversal in the dashboard',
    method: 'GET',
    path: '/dashboard/%2e%2e%2f%2e%2e%2fpackage.json',
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'unknown detector file',
    method: 'GET',
    path: `/detectors/${UNKNOWN}/secret.txt`,
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'unknown detector',
    method: 'GET',
    path: `/detectors/${UNKNOWN}/detector.onnx`,
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'unknown detector pipeline',
    method: 'GET',
    path: `/detectors/${UNKNOWN}/pipeline.onnx`,
    status: 404,
    code: 'NOT_FOUND',
  },
  ...(['detector.onnx', 'detector.json', 'pipeline.onnx'] as const).map((file): HttpCase => ({
    name: `malformed detector id (${file})`,
    method: 'GET',
    path: `/detectors/not-a-uuid/${file}`,
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /malformed/,
  })),
  {
    name: 'malformed detector id (detect)',
    method: 'POST',
    path: '/detectors/not-a-uuid/detect',
    headers: { 'content-type': 'application/octet-stream' },
    body: 'x',
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /malformed/,
  },
  {
    name: 'malformed run id (scores)',
    method: 'GET',
    path: '/runs/xyz/scores.csv',
    status: 400,
    code: 'BAD_USER_INPUT',
    message: /is not an evaluation run id \(a UUID\)/,
  },
  { name: 'unknown run (scores)', method: 'GET', path: `/runs/${UNKNOWN}/scores.npy`, status: 404, code: 'NOT_FOUND' },
  {
    name: 'malformed mining run id (negatives)',
    method: 'GET',
    path: '/mining-runs/zzz/negatives.csv',
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'unknown mining run (negatives)',
    method: 'GET',
    path: `/mining-runs/${UNKNOWN}/negatives.json`,
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'unknown export format',
    method: 'GET',
    path: `/mining-runs/${UNKNOWN}/negatives.xml`,
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'query too deep',
    body: gql({
      query: `{ ${'labelSets { miningRuns { labelSet { '.repeat(10)} id ${'} } } '.repeat(10)} }`,
    }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    message: /depth limit/,
  },
  {
    name: 'directive flood',
    body: gql({ query: `{ __typename ${'@include(if: true) '.repeat(200)} }` }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
    message: /Directives limit/,
  },
  {
    name: 'token flood',
    body: gql({ query: `{ ${Array.from({ length: 20_000 }, () => 'a').join(' ')} }` }),
    status: 400,
    code: 'GRAPHQL_PARSE_FAILED',
  },
  {
    name: 'alias flood of a costly field',
    body: gql({
      query: `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: negatives(miningRunId: "${UNKNOWN}", first: 500) { totalCount }`).join(' ')} }`,
    }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'unknown operation name',
    body: gql({ query: 'query A { __typename }', operationName: 'B' }),
    status: 400,
    code: 'OPERATION_RESOLUTION_FAILURE',
  },
  {
    name: 'two operations, no name',
    body: gql({ query: 'query A { __typename } query B { __typename }' }),
    status: 400,
    code: 'OPERATION_RESOLUTION_FAILURE',
  },
  {
    name: 'subscription over HTTP',
    body: gql({ query: `subscription { runProgress(runId: "${UNKNOWN}") { progress } }` }),
    status: 400,
    code: 'BAD_REQUEST',
    message: /served over WebSocket.*graphql-transport-ws/,
  },
  { name: 'unknown field', body: gql({ query: '{ nope }' }), status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  {
    name: 'foreign Origin on a POST',
    headers: { ...JSON_TYPE, origin: 'https://evil.example' },
    body: gql({ query: '{ __typename }' }),
    status: 403,
    code: 'FORBIDDEN_ORIGIN',
  },
  {
    name: 'Basic Authorization',
    headers: { ...JSON_TYPE, authorization: 'Basic abc' },
    body: gql({ query: '{ __typename }' }),
    status: 401,
    code: 'UNAUTHENTICATED',
    message: /not 'Bearer <key>'/,
  },
  {
    name: 'Bearer with a malformed key',
    headers: { ...JSON_TYPE, authorization: 'Bearer not-a-key' },
    body: gql({ query: '{ __typename }' }),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
];

describe('HTTP bad input (table-driven)', () => {
  let app: SecurityApp;

  const counts = async () => ({
    labelSets: await app.db.prisma.labelSet.count(),
    models: await app.db.prisma.encoderModel.count(),
    miningRuns: await app.db.prisma.miningRun.count(),
    evaluationRuns: await app.db.prisma.evaluationRun.count(),
    detectors: await app.db.prisma.detector.count(),
    apiKeys: await app.db.prisma.apiKey.count(),
  });

  beforeAll(async () => {
    const base = testConfig();
    app = await startSecurityApp({
      withKeys: false,
      config: { exposeErrorDetails: false, limits: { ...base.limits, maxBodyBytes: MAX_BODY_BYTES } },
    });
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await counts();
    const response = await fetch(`${app.base}${c.path ?? '/graphql'}`, {
      method: c.method ?? 'POST',
      headers: c.headers ?? JSON_TYPE,
      ...(c.body === undefined ? {} : { body: c.body }),
    });
    const text = await response.text();
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(text.length).toBeLessThan(4_000);
    expect(text).not.toMatch(/<html|stacktrace|\n\s+at |node_modules/i);
    const body = JSON.parse(text) as { errors?: { message: string; extensions?: { code?: string } }[] };
    expect({ status: response.status, code: body.errors?.[0]?.extensions?.code }).toEqual({
      status: c.status,
      code: c.code,
    });
    if (c.message !== undefined) expect(body.errors?.[0]?.message).toMatch(c.message);
    expect(await counts()).toEqual(before);
  });
});
