// The numbers of the hardening limits, read from the environment and validated like the rest of the
// configuration (a bad value stops start-up naming the variable). Merged into ApiConfig by config.ts.
import { ConfigError } from '../config';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './query-limits';
import { DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limit';

export interface HardeningLimits {
  readonly query: QueryLimits;
  readonly rate: RateLimits;
  /** Largest request body (JSON; a base64 `.npy` import travels in it). */
  readonly maxBodyBytes: number;
  /** Largest response body. */
  readonly maxResponseBytes: number;
  /** Extra origins browsers may call from (scheme://host[:port]). */
  readonly allowedOrigins: readonly string[];
  /** Extra Host names accepted in open mode. */
  readonly allowedHosts: readonly string[];
}

export const DEFAULT_MAX_BODY_BYTES = 200 * 1024 * 1024;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(name, `'${raw.slice(0, 40)}' is not accepted: expected an integer from ${min} to ${max}`);
  return value;
}

function origins(env: Env, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw === '') return [];
  return raw.split(',').map((part) => part.trim()).filter((part) => part !== '').map((origin) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new ConfigError(name, `'${origin.slice(0, 80)}' is not accepted: expected comma-separated origins like https://dash.example.com`);
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search !== '' || url.username !== '') {
      throw new ConfigError(name, `'${origin.slice(0, 80)}' is not accepted: an origin is scheme://host[:port] (http or https), without a path`);
    }
    return url.origin;
  });
}

function hosts(env: Env, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw === '') return [];
  return raw.split(',').map((part) => part.trim().toLowerCase()).filter((part) => part !== '').map((host) => {
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(host)) throw new ConfigError(name, `'${host.slice(0, 80)}' is not accepted: expected comma-separated host names, optionally with :port`);
    return host;
  });
}

export function limitsFromEnv(env: Env = process.env, maxPageSize = DEFAULT_QUERY_LIMITS.maxPageSize): HardeningLimits {
  return {
    query: {
      maxDepth: integer(env, 'NEGMINE_MAX_QUERY_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth, 2, 100),
      maxCost: integer(env, 'NEGMINE_MAX_QUERY_COST', DEFAULT_QUERY_LIMITS.maxCost, 10, 10_000_000),
      maxAliases: integer(env, 'NEGMINE_MAX_ALIASES', DEFAULT_QUERY_LIMITS.maxAliases, 0, 10_000),
      maxDirectives: integer(env, 'NEGMINE_MAX_DIRECTIVES', DEFAULT_QUERY_LIMITS.maxDirectives, 0, 10_000),
      maxTokens: integer(env, 'NEGMINE_MAX_TOKENS', DEFAULT_QUERY_LIMITS.maxTokens, 100, 1_000_000),
      maxRequestedRows: integer(env, 'NEGMINE_MAX_REQUESTED_ROWS', DEFAULT_QUERY_LIMITS.maxRequestedRows, 1, 100_000_000),
      maxPageSize,
    },
    rate: {
      requestsPerWindow: integer(env, 'NEGMINE_RATE_LIMIT', DEFAULT_RATE_LIMITS.requestsPerWindow, 1, 100_000_000),
      windowSeconds: integer(env, 'NEGMINE_RATE_WINDOW_SECONDS', DEFAULT_RATE_LIMITS.windowSeconds, 1, 86_400),
    },
    maxBodyBytes: integer(env, 'NEGMINE_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1_024, 2 * 1024 * 1024 * 1024),
    maxResponseBytes: integer(env, 'NEGMINE_MAX_RESPONSE_BYTES', DEFAULT_MAX_RESPONSE_BYTES, 1_024, 2 * 1024 * 1024 * 1024),
    allowedOrigins: origins(env, 'NEGMINE_ALLOWED_ORIGINS'),
    allowedHosts: hosts(env, 'NEGMINE_ALLOWED_HOSTS'),
  };
}
