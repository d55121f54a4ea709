// Open mode (no API keys) exists only on a loopback interface: a service on any other address with
// no active key refuses to start, with a message saying how to create one.
import { isIP } from 'node:net';
import type { AccessMode } from './credentials';

export class AccessModeError extends Error {
  override readonly name = 'AccessModeError';
  readonly code = 'OPEN_MODE_NOT_LOOPBACK';
}

/** True for addresses and names that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) return true;
  if (isIP(lower) === 4) return lower.split('.')[0] === '127';
  if (isIP(lower) === 6) return lower === '::1' || lower === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(lower);
  return false;
}

/** The access mode for a listen address and the number of active keys; throws when it would be open off loopback. */
export function accessModeFor(host: string, activeKeys: number): AccessMode {
  if (activeKeys > 0) return 'keys';
  if (isLoopbackHost(host)) return 'open';
  throw new AccessModeError(
    `HOST=${host} is not a loopback address and no API key exists, so anyone who can reach it could use the service. Create a key first: 'npm run keys -- create --role admin --name <name>' (then send it as 'Authorization: Bearer <key>'), or listen on 127.0.0.1.`,
  );
}

/** The current access mode of a running server, re-read from the keys table every few seconds. */
export interface AccessModeWatch {
  readonly mode: AccessMode;
  stop(): void;
}

/**
 * Decides the mode at start-up (throwing AccessModeError off loopback without keys), then follows
 * the keys table: a key created while the service runs ends open mode within `refreshMs`; revoking
 * the last key reopens it only on loopback (elsewhere every request stays refused, fail closed).
 */
export async function watchAccessMode(
  host: string,
  countActive: () => Promise<number>,
  refreshMs = 5_000,
): Promise<AccessModeWatch> {
  let mode = accessModeFor(host, await countActive());
  const timer = setInterval(() => {
    countActive().then(
      (count) => {
        mode = count > 0 || !isLoopbackHost(host) ? 'keys' : 'open';
      },
      () => undefined,
    );
  }, refreshMs);
  timer.unref();
  return {
    get mode() {
      return mode;
    },
    stop: () => clearInterval(timer),
  };
}
