// HTTP features besides queries: the self-hosted GraphiQL page and its assets, /healthz, and the
// runProgress subscription over graphql-ws on the same port, following a mining run to the end.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createImportedSpace, type ImportedSpace } from '../support/imported-space';
import { startTestApp, type TestApp } from '../support/test-app';

describe('GraphiQL, health and subscriptions over HTTP', () => {
  let app: TestApp;
  let space: ImportedSpace;

  beforeAll(async () => {
    app = await startTestApp({ workerCount: 1 });
    space = await createImportedSpace(app.services, 'http');
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
  });

  it('serves GraphiQL to browsers from local assets, and GraphQL to clients on the same path', async () => {
    const page = await fetch(app.server.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('GraphiQL');
    expect(html).not.toMatch(/https?:\/\/(?!localhost)[a-z]/i);
    for (const asset of ['graphiql.js', 'graphiql.css', 'react.js', 'react-dom.js', 'graphql-ws.js']) {
      const response = await fetch(new URL(`/graphiql-assets/${asset}`, app.server.url));
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
    }
    const health = await fetch(new URL('/healthz', app.server.url));
    expect(await health.json()).toEqual({ status: 'ok', service: 'negmine-api' });
    expect(await app.gql('{ __typename }')).toEqual({ __typename: 'Query' });
  });

  it('streams runProgress until the run finishes', async () => {
    const { mineNegatives } = await app.gql<{ mineNegatives: { id: string } }>(
      'mutation($input: MineNegativesInput!) { mineNegatives(input: $input) { id } }',
      {
        input: {
          labelSetId: space.labelSetId,
          modelId: space.modelId,
          corpusId: space.corpusId,
          selectionMethod: 'neglabel',
        },
      },
    );
    const client = createClient({ url: app.server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket });
    const statuses: string[] = [];
    try {
      const subscription = client.iterate<{ runProgress: { status: string; progress: number } }>({
        query: 'subscription($id: ID!) { runProgress(runId: $id) { status progress } }',
        variables: { id: mineNegatives.id },
      });
      for await (const event of subscription) {
        if (event.errors !== undefined) throw new Error(JSON.stringify(event.errors));
        statuses.push(event.data!.runProgress.status);
      }
    } finally {
      await client.dispose();
    }
    expect(statuses.at(-1)).toBe('succeeded');
  }, 60_000);
});
