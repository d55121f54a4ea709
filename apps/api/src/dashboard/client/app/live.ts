/// <reference lib="dom" />
// Live progress of runs: one graphql-ws client per page load subscribes to runProgress for each
// watched run; only if the WebSocket fails does a watcher fall back to polling runStatus every 2 s.
// The transport in use is reported so the page can say how it is updated.
import { createClient, type Client } from 'graphql-ws';
import { apiKey, gql } from './api';
import LIVE from './live.graphql';

export interface RunProgressEvent {
  readonly runId: string;
  readonly kind: 'mining' | 'evaluation' | 'sweep';
  readonly status: string;
  readonly progress: number;
  readonly statusReason: string | null;
  readonly error: string | null;
}

export type LiveTransport = 'subscription' | 'polling';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
const POLL_MS = 2000;

let client: Client | undefined;
let websocketBroken = false;
const transportListeners = new Set<(transport: LiveTransport) => void>();

function wsUrl(): string {
  const url = new URL('/graphql', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

function sharedClient(): Client {
  client ??= createClient({
    url: wsUrl(),
    lazy: true,
    retryAttempts: 2,
    shouldRetry: () => true,
    // The key the user gave after an UNAUTHENTICATED answer (read at each connect, so a later key counts).
    connectionParams: () => {
      const key = apiKey();
      return key === null ? {} : { authorization: `Bearer ${key}` };
    },
  });
  return client;
}

function markBroken(): void {
  if (websocketBroken) return;
  websocketBroken = true;
  for (const listener of transportListeners) listener('polling');
}

export function currentTransport(): LiveTransport {
  return websocketBroken ? 'polling' : 'subscription';
}

export function onTransportChange(listener: (transport: LiveTransport) => void): () => void {
  transportListeners.add(listener);
  return () => transportListeners.delete(listener);
}

export function isTerminal(status: string): boolean {
  return TERMINAL.has(status);
}

/** Follows one run until it finishes (or the returned function is called). */
export function watchRun(runId: string, onEvent: (event: RunProgressEvent) => void): () => void {
  let stopped = false;
  let unsubscribe: (() => void) | undefined;
  let timer: number | undefined;

  const poll = async (): Promise<void> => {
    if (stopped) return;
    try {
      const { runStatus } = await gql<{ runStatus: RunProgressEvent }>(LIVE, 'LiveRunStatus', { runId });
      if (stopped) return;
      onEvent(runStatus);
      if (isTerminal(runStatus.status)) return;
    } catch {
      // A failed poll is retried on the next tick; the page shows the last known state.
    }
    if (!stopped) timer = window.setTimeout(() => void poll(), POLL_MS);
  };

  const subscribe = (): void => {
    unsubscribe = sharedClient().subscribe<{ runProgress: RunProgressEvent }>(
      { query: LIVE, operationName: 'LiveRunProgress', variables: { runId } },
      {
        next: (message) => {
          if (!stopped && message.data) onEvent(message.data.runProgress);
        },
        error: () => {
          markBroken();
          if (!stopped) void poll();
        },
        complete: () => undefined,
      },
    );
  };

  if (websocketBroken || typeof WebSocket === 'undefined') void poll();
  else subscribe();
  return () => {
    stopped = true;
    unsubscribe?.();
    if (timer !== undefined) window.clearTimeout(timer);
  };
}
