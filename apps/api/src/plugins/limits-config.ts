// The shape and defaults of the hardening limits; config.ts reads them from the environment and
// validates them with the rest of the configuration (ApiConfig.limits).
import type { QueryLimits } from './query-limits';
import type { RateLimits } from './rate-limit';

export interface HardeningLimits {
  readonly query: QueryLimits;
  readonly rate: RateLimits;
  /** Failed authentications (presented keys that do not verify) per client address per rate window. */
  readonly failedAuthPerWindow: number;
  /** Largest request body (JSON; a base64 `.npy` import travels in it). */
  readonly maxBodyBytes: number;
  /** Largest response body. */
  readonly maxResponseBytes: number;
  /** Extra origins browsers may call from (scheme://host[:port]). */
  readonly allowedOrigins: readonly string[];
  /** Extra Host names accepted in open mode. */
  readonly allowedHosts: readonly string[];
}

export const DEFAULT_FAILED_AUTH_PER_WINDOW = 20;
export const DEFAULT_MAX_BODY_BYTES = 200 * 1024 * 1024;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
