// How a job failure is handled: input the user can fix (API or library errors with codes) fails
// the run at once; anything else is retried by the queue until its retry limit, then fails the run.
import { publicError } from '../errors';

export interface FailureDecision {
  readonly retry: boolean;
  readonly code: string;
  readonly message: string;
}

export function decideFailure(error: unknown, retryCount: number, retryLimit: number): FailureDecision {
  const known = publicError(error);
  if (known !== undefined) {
    const reason = known.details['reason'];
    return { retry: false, code: typeof reason === 'string' ? reason : known.code, message: known.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { retry: retryCount < retryLimit, code: 'JOB_FAILED', message };
}
