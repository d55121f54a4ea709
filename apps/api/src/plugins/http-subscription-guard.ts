// Subscriptions are served over graphql-ws only. Over HTTP, Apollo would run a subscription field as
// a plain query, whose resolver has no event stream to read, and answer INTERNAL_SERVER_ERROR; this
// refuses the operation up front with a 400 that says where subscriptions live.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

export function httpSubscriptionGuardPlugin<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'subscription') return;
          throw new GraphQLError(
            'subscriptions are served over WebSocket: connect to ws(s)://<host>/graphql with the graphql-transport-ws protocol (graphql-ws); over HTTP send queries and mutations',
            { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
          );
        },
      };
    },
  };
}
