// Per-caller request rate limits (rate-limiter-flexible, in memory: each API process limits what it
// serves; several processes behind one address each apply the limit). The key is the API key, or the
// client address in open mode. Over the limit: HTTP 429 JSON with Retry-After; graphql-ws operations
// get the same error as a GraphQL error.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Caller } from '../auth/caller';

export interface RateLimits {
  /** Requests (HTTP requests and graphql-ws operations) per caller per window. */
  readonly requestsPerWindow: number;
  readonly windowSeconds: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { requestsPerWindow: 600, windowSeconds: 60 };

export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  readonly code = 'RATE_LIMITED';

  constructor(
    readonly retryAfterSeconds: number,
    limits: RateLimits,
    message = `too many requests: at most ${limits.requestsPerWindow} per ${limits.windowSeconds} s per API key; retry after ${retryAfterSeconds} s`,
  ) {
    super(message);
  }
}

/** The 429 answer of a refused request: JSON with the code and Retry-After (header and extension). */
export function sendRateLimited(res: Response, error: RateLimitedError): void {
  res.setHeader('Retry-After', String(error.retryAfterSeconds));
  res.status(429).json({
    errors: [{ message: error.message, extensions: { code: error.code, retryAfterSeconds: error.retryAfterSeconds } }],
  });
}

/** The limiter key of a caller: its API key id, else (open mode) the client address. */
export function rateLimitKey(caller: Caller | undefined, address: string | undefined): string {
  return caller?.kind === 'key' ? `key:${caller.keyId}` : `addr:${address ?? 'unknown'}`;
}

export class CallerRateLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(readonly limits: RateLimits = DEFAULT_RATE_LIMITS) {
    this.limiter = new RateLimiterMemory({ points: limits.requestsPerWindow, duration: limits.windowSeconds });
  }

  /** Counts one request for `key`; throws RateLimitedError over the limit. */
  async consume(key: string): Promise<void> {
    try {
      await this.limiter.consume(key, 1);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes)
        throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)), this.limits);
      throw rejection;
    }
  }

  /** Express middleware, after the auth guard (it reads the caller from `res.locals.caller`). */
  middleware(): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      try {
        await this.consume(rateLimitKey(res.locals['caller'] as Caller | undefined, req.socket.remoteAddress));
      } catch (error) {
        if (!(error instanceof RateLimitedError)) throw error;
        sendRateLimited(res, error);
        return;
      }
      next();
    };
  }
}
