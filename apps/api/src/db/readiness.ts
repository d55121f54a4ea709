// The readiness probe of /readyz: one trivial query, bounded in time, so a load balancer stops
// sending traffic while the database is down (liveness, /healthz, never touches the database).
import type { PrismaClient } from './prisma.service';

const READY_TIMEOUT_MS = 2_000;

/** True when the database answers `SELECT 1` within the timeout. */
export async function databaseReady(prisma: PrismaClient, timeoutMs = READY_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      prisma.$queryRaw`SELECT 1`.then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
