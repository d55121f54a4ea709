// The API's configuration, parsed once from the environment (explicit overrides win) and validated:
// a bad value stops start-up with an error naming the variable and the accepted form.
import { availableParallelism, homedir } from 'node:os';
import path from 'node:path';
import { EXECUTION_PROVIDERS, type ExecutionProvider } from '@negmine/encoders';
import {
  DEFAULT_FAILED_AUTH_PER_WINDOW,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_RESPONSE_BYTES,
  type HardeningLimits,
} from './plugins/limits-config';
import { DEFAULT_QUERY_LIMITS } from './plugins/query-limits';
import { DEFAULT_RATE_LIMITS } from './plugins/rate-limit';

export interface ApiConfig {
  /** HTTP port (PORT). */
  readonly port: number;
  /** Interface to listen on (HOST). */
  readonly host: string;
  /** External Postgres URL (DATABASE_URL); undefined = start the embedded Postgres. */
  readonly databaseUrl: string | undefined;
  /** Folder for the embedded database and default data roots (NEGMINE_DATA_DIR). */
  readonly dataDir: string;
  /** Data folder of the embedded Postgres (NEGMINE_PG_DIR). */
  readonly embeddedPgDir: string;
  /** Port of the embedded Postgres (NEGMINE_EMBEDDED_PG_PORT). */
  readonly embeddedPgPort: number;
  /** Folders image sets may be registered from (NEGMINE_IMAGE_ROOTS). */
  readonly imageRoots: readonly string[];
  /** Folders ONNX models may be registered from (NEGMINE_MODEL_ROOTS). */
  readonly modelRoots: readonly string[];
  /** Folders `.npy` files may be imported from by path (NEGMINE_IMPORT_ROOTS). */
  readonly importRoots: readonly string[];
  /**
   * Run jobs (mine, evaluate, sweep) this process runs at once per kind (NEGMINE_WORKERS); 0 = enqueue
   * only, no workers. Default: one per four cores, at least one (each job's compute uses
   * NEGMINE_THREADS onnxruntime threads, every core by default).
   */
  readonly workerCount: number;
  /**
   * Encoding shard jobs (encode-images, encode-text) this process runs at once per kind
   * (NEGMINE_SHARD_WORKERS). Their own queues, so a long run job never holds a shard back (nor the
   * reverse). Default: one per two cores, at least one.
   */
  readonly shardWorkerCount: number;
  /** onnxruntime intra-op threads per session (NEGMINE_THREADS); default: the core count. */
  readonly threads: number;
  /** Where the CLIP towers run (NEGMINE_EXECUTION_PROVIDER): 'cpu' (default) or 'cuda'. */
  readonly executionProvider: ExecutionProvider;
  /** Worker threads decoding + preprocessing images (NEGMINE_PREPROCESS_THREADS); default one per core, 0 = the job's thread. */
  readonly preprocessThreads: number;
  /** Images or texts per encoding shard job (NEGMINE_SHARD_SIZE). */
  readonly shardSize: number;
  /** Largest `first` a connection accepts (NEGMINE_MAX_PAGE_SIZE). */
  readonly maxPageSize: number;
  /**
   * Megabytes of whole answers kept for queries over immutable data, e.g. a succeeded run's negatives
   * pages (NEGMINE_RESPONSE_CACHE_MB); 0 turns the cache off.
   */
  readonly responseCacheMb: number;
  /** Most images one `detect` request scores (NEGMINE_MAX_DETECT_BATCH). */
  readonly maxDetectBatch: number;
  /** Seconds between a running job's heartbeats (NEGMINE_HEARTBEAT_SECONDS). */
  readonly heartbeatSeconds: number;
  /** How often a running job reads its run's status, so a cancellation from any process stops it (NEGMINE_STOP_CHECK_MS). */
  readonly stopCheckMs: number;
  /** A running run without a heartbeat for this long is stale (NEGMINE_STALE_AFTER_SECONDS). */
  readonly staleAfterSeconds: number;
  /**
   * SIGTERM: seconds for draining HTTP and handing running jobs back to the queue; shard jobs may
   * finish within 60 % of it (NEGMINE_SHUTDOWN_GRACE_SECONDS).
   */
  readonly shutdownGraceSeconds: number;
  /** Times a failed job is retried (NEGMINE_JOB_RETRIES). */
  readonly jobRetries: number;
  /** Seed the demo data on first start (NEGMINE_SEED_DEMO). */
  readonly seedDemo: boolean;
  /** pino level (LOG_LEVEL). */
  readonly logLevel: string;
  /** Include stack traces in GraphQL errors: only with NODE_ENV=development or test (`npm start` leaves it unset: production). */
  readonly exposeErrorDetails: boolean;
  /** Query, body, response and rate limits, and the extra origins and hosts (NEGMINE_MAX_*, NEGMINE_RATE_*, NEGMINE_ALLOWED_*). */
  readonly limits: HardeningLimits;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `'${raw}' is not accepted: expected an integer from ${min} to ${max}`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `'${raw}' is not accepted: expected true/false (or 1/0, yes/no)`);
}

function absolutePath(name: string, raw: string): string {
  const expanded = raw.startsWith('~/') ? path.join(homedir(), raw.slice(2)) : raw;
  if (!path.isAbsolute(expanded)) {
    throw new ConfigError(name, `'${raw}' is not accepted: expected an absolute path (or one starting with ~/)`);
  }
  return path.resolve(expanded);
}

function pathList(env: Env, name: string, fallback: readonly string[]): readonly string[] {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  return raw
    .split(path.delimiter)
    .filter((part) => part !== '')
    .map((part) => absolutePath(name, part));
}

function executionProvider(env: Env): ExecutionProvider {
  const raw = env['NEGMINE_EXECUTION_PROVIDER'];
  if (raw === undefined || raw === '') return 'cpu';
  if (!(EXECUTION_PROVIDERS as readonly string[]).includes(raw)) {
    throw new ConfigError(
      'NEGMINE_EXECUTION_PROVIDER',
      `'${raw}' is not accepted: expected one of ${EXECUTION_PROVIDERS.join(', ')}`,
    );
  }
  return raw as ExecutionProvider;
}

function databaseUrl(env: Env): string | undefined {
  const raw = env['DATABASE_URL'];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      'DATABASE_URL',
      'is not a URL: expected postgresql://user[:password]@host:port/database[?schema=name]',
    );
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new ConfigError('DATABASE_URL', `protocol '${url.protocol}' is not accepted: expected postgresql://…`);
  }
  return raw;
}

function origins(env: Env, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw === '') return [];
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((origin) => {
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        throw new ConfigError(
          name,
          `'${origin.slice(0, 80)}' is not accepted: expected comma-separated origins like https://dash.example.com`,
        );
      }
      if (
        (url.protocol !== 'http:' && url.protocol !== 'https:') ||
        url.pathname !== '/' ||
        url.search !== '' ||
        url.username !== ''
      ) {
        throw new ConfigError(
          name,
          `'${origin.slice(0, 80)}' is not accepted: an origin is scheme://host[:port] (http or https), without a path`,
        );
      }
      return url.origin;
    });
}

function hosts(env: Env, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw === '') return [];
  return raw
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== '')
    .map((host) => {
      if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(host))
        throw new ConfigError(
          name,
          `'${host.slice(0, 80)}' is not accepted: expected comma-separated host names, optionally with :port`,
        );
      return host;
    });
}

/** The hardening limits (query shape, rows, body and response sizes, rate) and the extra origins/hosts. */
export function limitsFromEnv(env: Env, maxPageSize: number = DEFAULT_QUERY_LIMITS.maxPageSize): HardeningLimits {
  return {
    query: {
      maxDepth: integer(env, 'NEGMINE_MAX_QUERY_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth, 2, 100),
      maxCost: integer(env, 'NEGMINE_MAX_QUERY_COST', DEFAULT_QUERY_LIMITS.maxCost, 10, 10_000_000),
      maxAliases: integer(env, 'NEGMINE_MAX_ALIASES', DEFAULT_QUERY_LIMITS.maxAliases, 0, 10_000),
      maxDirectives: integer(env, 'NEGMINE_MAX_DIRECTIVES', DEFAULT_QUERY_LIMITS.maxDirectives, 0, 10_000),
      maxTokens: integer(env, 'NEGMINE_MAX_TOKENS', DEFAULT_QUERY_LIMITS.maxTokens, 100, 1_000_000),
      maxRequestedRows: integer(
        env,
        'NEGMINE_MAX_REQUESTED_ROWS',
        DEFAULT_QUERY_LIMITS.maxRequestedRows,
        1,
        100_000_000,
      ),
      maxPageSize,
    },
    rate: {
      requestsPerWindow: integer(env, 'NEGMINE_RATE_LIMIT', DEFAULT_RATE_LIMITS.requestsPerWindow, 1, 100_000_000),
      windowSeconds: integer(env, 'NEGMINE_RATE_WINDOW_SECONDS', DEFAULT_RATE_LIMITS.windowSeconds, 1, 86_400),
    },
    failedAuthPerWindow: integer(env, 'NEGMINE_AUTH_FAILURE_LIMIT', DEFAULT_FAILED_AUTH_PER_WINDOW, 1, 1_000_000),
    maxBodyBytes: integer(env, 'NEGMINE_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1_024, 2 * 1024 * 1024 * 1024),
    maxResponseBytes: integer(
      env,
      'NEGMINE_MAX_RESPONSE_BYTES',
      DEFAULT_MAX_RESPONSE_BYTES,
      1_024,
      2 * 1024 * 1024 * 1024,
    ),
    allowedOrigins: origins(env, 'NEGMINE_ALLOWED_ORIGINS'),
    allowedHosts: hosts(env, 'NEGMINE_ALLOWED_HOSTS'),
  };
}

/** `<data dir>/pg`; as root, the embedded module moves it out of a home the server account cannot enter (db/cluster-location.ts). */
function defaultPgDir(dataDir: string): string {
  return path.join(dataDir, 'pg');
}

/** One worker per `coresEach` cores this process may use, at least one. */
function defaultWorkers(coresEach: number): number {
  return Math.max(1, Math.floor(availableParallelism() / coresEach));
}

/** Reads the configuration from `env` (default: process.env); `overrides` beat the environment. */
export function loadConfig(env: Env = process.env, overrides: Partial<ApiConfig> = {}): ApiConfig {
  const dataDir = absolutePath('NEGMINE_DATA_DIR', env['NEGMINE_DATA_DIR'] || path.join(homedir(), '.negmine'));
  const logLevel = env['LOG_LEVEL'] || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `'${logLevel}' is not accepted: expected one of ${LOG_LEVELS.join(', ')}`);
  }
  const heartbeatSeconds = integer(env, 'NEGMINE_HEARTBEAT_SECONDS', 10, 1, 3600);
  const staleAfterSeconds = integer(env, 'NEGMINE_STALE_AFTER_SECONDS', 120, 2, 86400);
  if (staleAfterSeconds <= heartbeatSeconds) {
    throw new ConfigError(
      'NEGMINE_STALE_AFTER_SECONDS',
      `must be larger than NEGMINE_HEARTBEAT_SECONDS (${heartbeatSeconds})`,
    );
  }
  const maxPageSize = integer(env, 'NEGMINE_MAX_PAGE_SIZE', 500, 1, 10_000);
  const config: ApiConfig = {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: env['HOST'] || '127.0.0.1',
    databaseUrl: databaseUrl(env),
    dataDir,
    embeddedPgDir: env['NEGMINE_PG_DIR']
      ? absolutePath('NEGMINE_PG_DIR', env['NEGMINE_PG_DIR'])
      : defaultPgDir(dataDir),
    embeddedPgPort: integer(env, 'NEGMINE_EMBEDDED_PG_PORT', 54329, 1024, 65535),
    imageRoots: pathList(env, 'NEGMINE_IMAGE_ROOTS', [path.join(dataDir, 'images')]),
    modelRoots: pathList(env, 'NEGMINE_MODEL_ROOTS', [path.join(dataDir, 'models')]),
    importRoots: pathList(env, 'NEGMINE_IMPORT_ROOTS', [path.join(dataDir, 'imports')]),
    workerCount: integer(env, 'NEGMINE_WORKERS', defaultWorkers(4), 0, 64),
    shardWorkerCount: integer(env, 'NEGMINE_SHARD_WORKERS', defaultWorkers(2), 1, 64),
    // One job at a time (NEGMINE_WORKERS = 1) uses every core through onnxruntime's threads.
    threads: integer(env, 'NEGMINE_THREADS', availableParallelism(), 1, 256),
    executionProvider: executionProvider(env),
    preprocessThreads: integer(env, 'NEGMINE_PREPROCESS_THREADS', availableParallelism(), 0, 256),
    shardSize: integer(env, 'NEGMINE_SHARD_SIZE', 512, 1, 1_000_000),
    maxPageSize,
    responseCacheMb: integer(env, 'NEGMINE_RESPONSE_CACHE_MB', 64, 0, 65_536),
    maxDetectBatch: integer(env, 'NEGMINE_MAX_DETECT_BATCH', 10_000, 1, 1_000_000),
    heartbeatSeconds,
    stopCheckMs: integer(env, 'NEGMINE_STOP_CHECK_MS', 1_000, 100, 60_000),
    staleAfterSeconds,
    shutdownGraceSeconds: integer(env, 'NEGMINE_SHUTDOWN_GRACE_SECONDS', 30, 1, 3600),
    jobRetries: integer(env, 'NEGMINE_JOB_RETRIES', 2, 0, 100),
    seedDemo: boolean(env, 'NEGMINE_SEED_DEMO', true),
    logLevel,
    exposeErrorDetails: env['NODE_ENV'] === 'development' || env['NODE_ENV'] === 'test',
    limits: limitsFromEnv(env, overrides.maxPageSize ?? maxPageSize),
  };
  return { ...config, ...overrides };
}
