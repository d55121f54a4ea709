// Graceful stop of the HTTP server: a request in flight when stop() is called still gets its full
// answer, and afterwards the port takes no new connections.
import { startSecurityApp, type SecurityApp } from './security-app';

describe('graceful HTTP stop', () => {
  let app: SecurityApp | undefined;

  afterAll(async () => {
    await app?.db.drop();
  });

  it('drains an in-flight request, then refuses new connections', async () => {
    app = await startSecurityApp({ withKeys: false });
    const labels = Array.from({ length: 20_000 }, (_, i) => `label ${i}`);
    const inFlight = app.post({
      query: 'mutation($input: CreateLabelSetInput!) { createLabelSet(input: $input) { labelCount } }',
      variables: { input: { name: 'drain', labels } },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await app.server.stop();
    const answered = await inFlight;
    expect(answered).toMatchObject({ status: 200, body: { data: { createLabelSet: { labelCount: 20_000 } } } });
    await expect(fetch(`${app.base}/healthz`)).rejects.toThrow();
  }, 60_000);
});
