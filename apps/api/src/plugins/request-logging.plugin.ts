// Apollo plugin: one structured log line per operation (name, duration, error count).
import type { ApolloServerPlugin } from '@apollo/server';
import type { ApiContext } from '../context';
import type { Logger } from '../logger';

export function requestLoggingPlugin(logger: Logger): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart() {
      const startedAt = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, errors }) {
          const durationMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
          logger.debug({ operationName, durationMs, errors: errors?.length ?? 0 }, 'graphql operation');
        },
      };
    },
  };
}
