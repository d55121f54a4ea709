// Limits failed authentications per client address. Verifying a presented key costs a scrypt hash
// (tens of ms of CPU), so without a limit anyone who can reach the port could guess keys and burn the
// API's cores at once. Only presented keys that fail count (a missing key is rejected without
// hashing); once an address is over its budget, its keys are refused with 429 before any hashing.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { RateLimitedError, type RateLimits } from '../plugins/rate-limit';

export interface FailedAuthLimits {
  /** Failed authentications allowed per client address per window. */
  readonly failuresPerWindow: number;
  readonly windowSeconds: number;
}

export const DEFAULT_FAILED_AUTH_LIMITS: FailedAuthLimits = { failuresPerWindow: 20, windowSeconds: 60 };

export class FailedAuthLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(readonly limits: FailedAuthLimits = DEFAULT_FAILED_AUTH_LIMITS) {
    this.limiter = new RateLimiterMemory({ points: limits.failuresPerWindow, duration: limits.windowSeconds });
  }

  /** Throws RateLimitedError when `address` has used up its failures in the current window. */
  async assertAllowed(address: string | undefined): Promise<void> {
    const state = await this.limiter.get(addressKey(address));
    if (state !== null && state.consumedPoints >= this.limits.failuresPerWindow)
      throw this.refusal(Math.max(1, Math.ceil(state.msBeforeNext / 1000)));
  }

  /** Counts one failed authentication of `address`. */
  async recordFailure(address: string | undefined): Promise<void> {
    await this.limiter.penalty(addressKey(address), 1);
  }

  private refusal(retryAfterSeconds: number): RateLimitedError {
    const limits: RateLimits = {
      requestsPerWindow: this.limits.failuresPerWindow,
      windowSeconds: this.limits.windowSeconds,
    };
    return new RateLimitedError(
      retryAfterSeconds,
      limits,
      `too many failed authentications from this address: at most ${this.limits.failuresPerWindow} per ${this.limits.windowSeconds} s; retry after ${retryAfterSeconds} s with a valid API key`,
    );
  }
}

function addressKey(address: string | undefined): string {
  return `addr:${address ?? 'unknown'}`;
}
