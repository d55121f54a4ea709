// The graphql-http package's GraphQL-over-HTTP server audits against the running service: every
// MUST audit has to pass (SHOULD/MAY results are reported by name, not required).
import { serverAudits } from 'graphql-http';
import { startTestApp, type TestApp } from '../support/test-app';

describe('GraphQL over HTTP conformance (graphql-http server audits)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ workerCount: 0 });
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
  });

  const audits = serverAudits({ url: () => app.server.url, fetchFn: fetch });

  for (const audit of audits.filter((a) => a.name.startsWith('MUST'))) {
    it(audit.name, async () => {
      const result = await audit.fn();
      expect({ status: result.status, reason: 'reason' in result ? result.reason : undefined }).toEqual({
        status: 'ok',
        reason: undefined,
      });
    });
  }
});
