// The HTTP side of the API: express 5 with Apollo Server at POST/GET /graphql, graphql-ws
// subscriptions on the same path and port, GraphiQL for browsers, and /healthz.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import type * as GraphqlWsUse from 'graphql-ws/dist/use/ws';
import { createContext, type ApiContext, type ApiServices } from './context';
import { dashboardRouter } from './dashboard/dashboard.router';
import { formatGraphQLError } from './errors';
import { featureRoutes } from './features';
import { graphiqlRouter } from './plugins/graphiql';
import { requestLoggingPlugin } from './plugins/request-logging.plugin';
import { buildApiSchema } from './schema';

// graphql-ws exposes `use/ws` only through package exports, which the node10 resolution of the
// type-checker cannot read; the types come from the file behind that export.
const { useServer } = require('graphql-ws/use/ws') as typeof GraphqlWsUse;

/** Large enough for a base64 .npy of a few hundred thousand float32 values per request. */
const JSON_BODY_LIMIT = '200mb';

export interface RunningServer {
  readonly url: string;
  readonly httpServer: Server;
  readonly apollo: ApolloServer<ApiContext>;
  stop(): Promise<void>;
}

export function createApollo(schema: GraphQLSchema, services: ApiServices, plugins: ConstructorParameters<typeof ApolloServer<ApiContext>>[0]['plugins'] = []) {
  const { logger, config } = services;
  return new ApolloServer<ApiContext>({
    schema,
    logger,
    includeStacktraceInErrorResponses: config.exposeErrorDetails,
    // main.ts/worker.ts own the process signals (one ordered shutdown: HTTP, queue, database);
    // Apollo's own handler would stop only itself and then re-raise the signal.
    stopOnTerminationSignals: false,
    formatError: (formatted, original) =>
      formatGraphQLError(formatted, original, (error) => logger.error({ err: error }, 'internal error (masked for the client)'), config.exposeErrorDetails),
    // Cache control is on by default and wraps every field resolver of every request (a
    // willResolveField hook per field: ~15 % of the CPU of a 100-row page); we set no cache hints.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), requestLoggingPlugin(logger), ...(plugins ?? [])],
  });
}

export async function startServer(services: ApiServices, listen: { port: number; host: string }): Promise<RunningServer> {
  const schema = await buildApiSchema();
  const app = express();
  const httpServer = createServer(app);
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer({ schema, context: () => createContext(services) }, wsServer);
  const apollo = createApollo(schema, services, [
    ApolloServerPluginDrainHttpServer({ httpServer }),
    {
      async serverWillStart() {
        return {
          async drainServer() {
            await wsCleanup.dispose();
          },
        };
      },
    },
  ]);
  await apollo.start();
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: 'negmine-api' });
  });
  app.use(graphiqlRouter());
  app.use(dashboardRouter());
  for (const route of featureRoutes(services)) {
    if (route.method === 'GET') app.get(route.path, route.handle);
    else app.post(route.path, route.handle);
  }
  app.use('/graphql', express.json({ limit: JSON_BODY_LIMIT }), expressMiddleware(apollo, { context: async () => createContext(services) }));
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(listen.port, listen.host, resolve);
  });
  const address = httpServer.address() as AddressInfo;
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? 'localhost' : listen.host;
  return {
    url: `http://${host}:${address.port}/graphql`,
    httpServer,
    apollo,
    stop: () => apollo.stop(),
  };
}
