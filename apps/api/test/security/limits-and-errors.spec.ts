// Limits and errors over real HTTP: graphql-armor and row-budget rejections, the token limit, the
// body and response size limits, per-key rate limits, bounded validation errors that never echo the
// input, malformed ids, production mode without stacks, JSON (never HTML) for body-parser and
// routing errors, and /readyz against a reachable and an unreachable database.
import { limitsFromEnv } from '../../src/config';
import { connectionFromUrl } from '../../src/db/connection';
import { createPrismaClient } from '../../src/db/prisma.service';
import { databaseReady } from '../../src/db/readiness';
import { startSecurityApp, type SecurityApp } from './security-app';

function codes(body: { errors?: readonly { extensions?: Record<string, unknown> }[] }): unknown[] {
  return (body.errors ?? []).map((error) => error.extensions?.['code']);
}

describe('limits and errors (production mode, keys)', () => {
  let app: SecurityApp;

  beforeAll(async () => {
    app = await startSecurityApp({
      withKeys: true,
      config: {
        exposeErrorDetails: false,
        limits: limitsFromEnv(
          {
            NEGMINE_MAX_BODY_BYTES: '1000000',
            NEGMINE_MAX_RESPONSE_BYTES: '4096',
            NEGMINE_RATE_LIMIT: '40',
            NEGMINE_MAX_ALIASES: '20',
          },
          500,
        ),
      },
    });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('rejects alias floods, deep queries, row budgets and huge documents before running them', async () => {
    const aliases = Array.from(
      { length: 1000 },
      (_, i) => `a${i}: negatives(first: 500, miningRunId: "00000000-0000-0000-0000-000000000000") { totalCount }`,
    ).join(' ');
    const started = Date.now();
    const flood = await app.post({ query: `{ ${aliases} }` }, { key: app.keys.viewer });
    expect(Date.now() - started).toBeLessThan(3_000);
    // Stopped by the token limit while parsing, before any validation or execution.
    expect({ status: flood.status, codes: codes(flood.body) }).toEqual({
      status: 400,
      codes: ['GRAPHQL_PARSE_FAILED'],
    });
    expect(flood.text.length).toBeLessThan(2_000);
    const manyAliases = await app.post(
      { query: `{ ${Array.from({ length: 25 }, (_, i) => `a${i}: labelSets { id }`).join(' ')} }` },
      { key: app.keys.viewer },
    );
    expect(manyAliases.body.errors?.[0]?.message).toMatch(/Aliases limit of 20 exceeded/);
    expect(codes(manyAliases.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const rows = await app.post(
      {
        query: `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: negatives(first: 500, miningRunId: "00000000-0000-0000-0000-000000000000") { totalCount }`).join(' ')} }`,
      },
      { key: app.keys.viewer },
    );
    expect(rows.body.errors?.map((error) => error.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/asks for up to 7500 rows across its connections; at most 5000/)]),
    );
    const tokens = await app.post({ query: `{ ${'__typename '.repeat(6_000)} }` }, { key: app.keys.viewer });
    expect(tokens.status).toBe(400);
    expect(tokens.text.length).toBeLessThan(2_000);
  });

  it('answers invalid JSON 400 and a too large body 413, as JSON with a code', async () => {
    const invalid = await app.post('{"query": ', { key: app.keys.viewer });
    expect({ status: invalid.status, codes: codes(invalid.body) }).toEqual({ status: 400, codes: ['INVALID_JSON'] });
    const large = await app.post(
      { query: '{ __typename }', variables: { x: 'y'.repeat(1_200_000) } },
      { key: app.keys.viewer },
    );
    expect({ status: large.status, codes: codes(large.body) }).toEqual({ status: 413, codes: ['PAYLOAD_TOO_LARGE'] });
    expect(large.text).not.toMatch(/<html|node_modules/i);
  });

  it('lists validation problems once, bounded, without echoing the input', async () => {
    const labels = Array.from({ length: 20_000 }, (_, i) => `label-secret-${i}`);
    const notStrings = await app.post(
      {
        query: 'mutation($input: CreateLabelSetInput!) { createLabelSet(input: $input) { id } }',
        variables: { input: { name: 'n', labels: labels.map((_, i) => i) } },
      },
      { key: app.keys.operator },
    );
    expect([...new Set(codes(notStrings.body))]).toEqual(['BAD_USER_INPUT']);
    expect(notStrings.text.length).toBeLessThan(20_000);
    const invalid = await app.post(
      {
        query: 'mutation($input: CreateLabelSetInput!) { createLabelSet(input: $input) { id } }',
        variables: { input: { name: '', labels } },
      },
      { key: app.keys.operator },
    );
    expect(codes(invalid.body)).toEqual(['BAD_USER_INPUT']);
    expect(invalid.text).not.toContain('label-secret');
    expect(invalid.text.length).toBeLessThan(5_000);
    expect(await app.db.prisma.labelSet.count()).toBe(0);
  });

  it('answers a malformed id with BAD_USER_INPUT, and never sends stacks or absolute paths', async () => {
    const malformed = await app.post({ query: '{ labelSet(id: "not-a-uuid") { id } }' }, { key: app.keys.viewer });
    expect(codes(malformed.body)).toEqual(['BAD_USER_INPUT']);
    for (const response of [malformed, await app.post({ query: '{ nope }' }, { key: app.keys.viewer })]) {
      expect(response.text).not.toMatch(/stacktrace|\/work\/|node_modules|\.ts:\d+/);
    }
  });

  it('replaces a response larger than the limit by RESPONSE_TOO_LARGE', async () => {
    for (let i = 0; i < 30; i += 1)
      await app.services.labelSets.create({ name: `set-${i}-${'n'.repeat(150)}`, labels: ['a'] } as never);
    const big = await app.post({ query: '{ labelSets { id name } }' }, { key: app.keys.viewer });
    expect({ status: big.status, codes: codes(big.body) }).toEqual({ status: 413, codes: ['RESPONSE_TOO_LARGE'] });
  });

  it('reports liveness and readiness; readiness fails when the database is unreachable', async () => {
    expect((await fetch(`${app.base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.base}/readyz`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({
      status: 200,
      body: { status: 'ready', database: 'ok' },
    });
    const down = createPrismaClient(connectionFromUrl('postgresql://postgres@127.0.0.1:1/none?schema=x', 1));
    try {
      expect(await databaseReady(down, 1_500)).toBe(false);
    } finally {
      await down.$disconnect();
    }
  });

  it('rate-limits each key with 429 and Retry-After (last: it spends the budget)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 45; i += 1)
      statuses.push((await app.post({ query: '{ __typename }' }, { key: app.keys.admin })).status);
    expect(statuses).toContain(429);
    const limited = await app.post({ query: '{ __typename }' }, { key: app.keys.admin });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(codes(limited.body)).toEqual(['RATE_LIMITED']);
    // Another key has its own budget.
    expect((await app.post({ query: '{ __typename }' }, { key: app.keys.operator })).status).toBe(200);
  });
});
