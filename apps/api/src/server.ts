// The HTTP side of the API: express 5 with Apollo Server at POST/GET /graphql, graphql-ws
// subscriptions on the same path and port, GraphiQL for browsers, /healthz (liveness) and /readyz
// (the database answers). Every request passes, in order: the Host/Origin check, the route guard
// (HTTP_ROUTE_ACCESS: authentication, role; undeclared routes are 404), the per-key rate limit, then
// its route; GraphQL fields are guarded by API_ACCESS_POLICY; errors are bounded JSON, never HTML.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { WebSocketServer } from 'ws';
import type * as GraphqlWsUse from 'graphql-ws/dist/use/ws';
import { watchAccessMode } from './auth/access-mode';
import { enforceAccessPolicy } from './auth/access-policy';
import { API_ACCESS_POLICY } from './auth/api-access-policy';
import type { ApiKeyStore } from './auth/api-key.store';
import { AuthError } from './auth/auth-errors';
import type { Caller } from './auth/caller';
import { FailedAuthLimiter } from './auth/failed-auth-limiter';
import { authenticateConnection, httpAccessGuard, requestCaller, type AuthSettings } from './auth/http-auth';
import { createContext, type ApiContext, type ApiServices } from './context';
import { dashboardRouter } from './dashboard/dashboard.router';
import { formatGraphQLError } from './errors';
import { featureRoutes } from './features';
import { boundedErrorList, boundedErrorsPlugin, boundedFormattedError } from './plugins/error-formatting';
import { graphiqlRouter } from './plugins/graphiql';
import { jsonBody, jsonErrorHandler, jsonNotFound } from './plugins/http-errors';
import {
  defaultOriginPolicy,
  hostProblem,
  originProblem,
  upgradeProblem,
  type OriginPolicy,
} from './plugins/origin-check';
import { queryLimitRules, queryParseOptions } from './plugins/query-limits';
import { httpSubscriptionGuardPlugin } from './plugins/http-subscription-guard';
import { ImmutableResponseCache } from './plugins/immutable-response-cache';
import { CallerRateLimiter, RateLimitedError, rateLimitKey, sendRateLimited } from './plugins/rate-limit';
import { requestLoggingPlugin } from './plugins/request-logging.plugin';
import { responseSizeGuard } from './plugins/response-size-guard';
import { checkWsOperation } from './plugins/ws-operation-guard';
import { buildApiSchema } from './schema';

// graphql-ws exposes `use/ws` only through package exports, which the node10 resolution of the
// type-checker cannot read; the types come from the file behind that export.
const { useServer } = require('graphql-ws/use/ws') as typeof GraphqlWsUse;

/** What the HTTP server needs beyond the features' services: the key store and a readiness probe. */
export type ServerServices = ApiServices & {
  readonly apiKeys: Pick<ApiKeyStore, 'verify' | 'activeCount'>;
  /** True when the database answers (for /readyz). */
  readonly databaseReady: () => Promise<boolean>;
};

export interface RunningServer {
  readonly url: string;
  readonly httpServer: Server;
  readonly apollo: ApolloServer<ApiContext>;
  /** 'open' (no keys, loopback only) or 'keys', as of now. */
  readonly accessMode: 'open' | 'keys';
  /** Whole answers of immutable queries (hits, misses, stored, invalidated in `stats`). */
  readonly responseCache: ImmutableResponseCache;
  stop(): Promise<void>;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const enforced = new WeakSet<GraphQLSchema>();

/** The schema with API_ACCESS_POLICY enforced on its fields (in place, once per schema). */
function guardedSchema(schema: GraphQLSchema): GraphQLSchema {
  if (!enforced.has(schema)) {
    enforceAccessPolicy(schema, API_ACCESS_POLICY, (context: ApiContext) => context.caller);
    enforced.add(schema);
  }
  return schema;
}

/** Our error mapping (errors.ts), then the size bound (no echoed input, no stack in production). */
function formatError(
  services: ApiServices,
  formatted: GraphQLFormattedError,
  original: unknown,
): GraphQLFormattedError {
  const { logger, config } = services;
  // graphql-js's notice after 50 variable errors carries no code; Apollo would make it an internal error.
  if (formatted.message.startsWith('Too many errors processing variables'))
    return boundedFormattedError(formatted, { production: !config.exposeErrorDetails });
  const mapped = formatGraphQLError(
    formatted,
    original,
    (error) => logger.error({ err: error }, 'internal error (masked for the client)'),
    config.exposeErrorDetails,
  );
  return boundedFormattedError(mapped, { production: !config.exposeErrorDetails });
}

export function createApollo(
  schema: GraphQLSchema,
  services: ApiServices,
  plugins: ConstructorParameters<typeof ApolloServer<ApiContext>>[0]['plugins'] = [],
) {
  const { logger, config } = services;
  return new ApolloServer<ApiContext>({
    schema,
    logger,
    includeStacktraceInErrorResponses: config.exposeErrorDetails,
    // main.ts/worker.ts own the process signals (one ordered shutdown: HTTP, queue, database);
    // Apollo's own handler would stop only itself and then re-raise the signal.
    stopOnTerminationSignals: false,
    validationRules: queryLimitRules(config.limits.query),
    parseOptions: queryParseOptions(config.limits.query),
    formatError: (formatted, original) => formatError(services, formatted, original),
    // Cache control is on by default and wraps every field resolver of every request (a
    // willResolveField hook per field: ~15 % of the CPU of a 100-row page); we set no cache hints.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      requestLoggingPlugin(logger),
      httpSubscriptionGuardPlugin(),
      boundedErrorsPlugin(),
      ...(plugins ?? []),
    ],
  });
}

function sendProblem(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

export async function startServer(
  services: ServerServices,
  listen: { port: number; host: string },
): Promise<RunningServer> {
  const { config, logger } = services;
  const limits = config.limits;
  // Throws AccessModeError (off loopback without keys) before anything listens.
  const access = await watchAccessMode(listen.host, () => services.apiKeys.activeCount());
  const auth: AuthSettings = {
    get mode() {
      return access.mode;
    },
    store: services.apiKeys,
    failures: new FailedAuthLimiter({
      failuresPerWindow: limits.failedAuthPerWindow,
      windowSeconds: limits.rate.windowSeconds,
    }),
  };
  const schema = guardedSchema(await buildApiSchema());
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  // The origin policy needs the bound port (port 0 in tests): built once listening, both modes.
  const origins: { policies?: { open: OriginPolicy; keys: OriginPolicy } } = {};
  const policy = (): OriginPolicy => {
    if (origins.policies === undefined) throw new Error('origin policy used before the server listens');
    return access.mode === 'open' ? origins.policies.open : origins.policies.keys;
  };
  const limiter = new CallerRateLimiter(limits.rate);
  const responseCache = new ImmutableResponseCache(config.responseCacheMb * 1024 * 1024, requestCaller);
  // Set by stop(): /readyz answers 503 so a balancer stops routing here while in-flight requests drain.
  let draining = false;

  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: limits.maxBodyBytes,
    verifyClient: (info, done) => {
      const problem = upgradeProblem(info.req, policy());
      if (problem === undefined) done(true);
      else done(false, 403, problem.message);
    },
  });
  const wsCleanup = useServer<Record<string, unknown> | undefined, { caller?: Caller }>(
    {
      schema,
      onConnect: async (ctx) => {
        try {
          ctx.extra.caller = await authenticateConnection(
            auth,
            ctx.connectionParams,
            ctx.extra.request.socket.remoteAddress,
          );
          return true;
        } catch (error) {
          if (error instanceof RateLimitedError) {
            ctx.extra.socket.close(4429, 'Too many failed authentications from this address');
            return false;
          }
          if (!(error instanceof AuthError)) throw error;
          // 4401 with the reason (bounded by the close frame), so a client can tell a missing key from a bug.
          ctx.extra.socket.close(
            4401,
            error.code === 'UNAUTHENTICATED'
              ? 'Unauthorized: send connectionParams { "Authorization": "Bearer <key>" }'
              : 'Forbidden',
          );
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const caller = ctx.extra.caller;
        try {
          if (caller?.kind === 'key')
            await limiter.consume(rateLimitKey(caller, ctx.extra.request.socket.remoteAddress));
        } catch (error) {
          if (error instanceof RateLimitedError)
            return [
              new GraphQLError(error.message, {
                extensions: { code: error.code, retryAfterSeconds: error.retryAfterSeconds },
              }),
            ];
          throw error;
        }
        const checked = checkWsOperation(schema, limits.query, payload);
        if ('errors' in checked) return [...checked.errors];
        return { schema, ...checked, contextValue: createContext(services, caller) };
      },
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (result.errors === undefined || result.errors.length === 0) return undefined;
        const errors = boundedErrorList(result.errors.map((error) => formatError(services, error.toJSON(), error)));
        return { ...result, errors } as never;
      },
    },
    wsServer,
  );
  const apollo = createApollo(schema, services, [
    responseCache.plugin<ApiContext>(),
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

  // Host (open mode: DNS rebinding) on every request, Origin on state-changing ones. No CORS
  // headers are ever sent, so other sites' pages cannot read responses.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const current = policy();
    const problem =
      hostProblem(req.headers.host, current) ??
      (STATE_CHANGING.has(req.method) ? originProblem(req.headers.origin, current) : undefined);
    if (problem === undefined) next();
    else sendProblem(res, 403, problem.code, problem.message);
  });
  // GraphiQL's page (GET /graphql from a browser) is static; it asks for a key itself.
  app.use(graphiqlRouter());
  app.use(httpAccessGuard(auth));
  app.use((req: Request, res: Response, next: NextFunction) => {
    const caller = requestCaller(res);
    // Keyed callers are limited per key; open mode is one local user on loopback.
    if (caller?.kind !== 'key') {
      next();
      return;
    }
    limiter.consume(rateLimitKey(caller, req.socket.remoteAddress)).then(next, (error: unknown) => {
      if (!(error instanceof RateLimitedError)) {
        next(error);
        return;
      }
      sendRateLimited(res, error);
    });
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: 'negmine-api' });
  });
  app.get('/readyz', (_req, res, next) => {
    if (draining) {
      res.status(503).json({ status: 'draining', database: 'not checked' });
      return;
    }
    services.databaseReady().then((ready) => {
      res
        .status(ready ? 200 : 503)
        .json(ready ? { status: 'ready', database: 'ok' } : { status: 'unavailable', database: 'unreachable' });
    }, next);
  });
  app.use(dashboardRouter());
  for (const route of featureRoutes(services)) {
    if (route.method === 'GET') app.get(route.path, route.handle);
    else app.post(route.path, route.handle);
  }
  app.use(
    '/graphql',
    responseSizeGuard(limits.maxResponseBytes),
    jsonBody(limits.maxBodyBytes),
    responseCache.middleware(),
    expressMiddleware(apollo, {
      context: async ({ res }) => createContext(services, requestCaller(res), ImmutableResponseCache.scopeOf(res)),
    }),
  );
  app.use(jsonNotFound());
  app.use(jsonErrorHandler((error) => logger.error({ err: error }, 'HTTP request failed (masked for the client)')));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(listen.port, listen.host, resolve);
  });
  const address = httpServer.address() as AddressInfo;
  const originOptions = {
    host: listen.host,
    port: address.port,
    extraOrigins: limits.allowedOrigins,
    extraHosts: limits.allowedHosts,
  };
  origins.policies = {
    open: defaultOriginPolicy({ ...originOptions, openMode: true }),
    keys: defaultOriginPolicy({ ...originOptions, openMode: false }),
  };
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? 'localhost' : listen.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/graphql`,
    httpServer,
    apollo,
    get accessMode() {
      return access.mode;
    },
    responseCache,
    /** Stops taking connections, lets in-flight requests finish (Apollo's drain), then closes WebSockets. */
    async stop() {
      draining = true;
      access.stop();
      await apollo.stop();
    },
  };
}
