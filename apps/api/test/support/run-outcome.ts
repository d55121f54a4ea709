// What a run left in the database, in a form two runs can be compared by: the fault specs check
// that a disturbed run ends with exactly what an undisturbed run of the same input stored.
import type { PrismaClient } from '../../src/db/prisma.service';

/** Heartbeats every second and a run re-queued 6 s after its last one: recovery within a spec's time. */
export const FAST_RECOVERY_ENV = { NEGMINE_HEARTBEAT_SECONDS: '1', NEGMINE_STALE_AFTER_SECONDS: '6' } as const;

/** A mining run's negatives in rank order, without row ids. */
export function minedNegatives(prisma: PrismaClient, miningRunId: string) {
  return prisma.negativeLabel.findMany({
    where: { miningRunId },
    orderBy: { rank: 'asc' },
    select: { rank: true, corpusIndex: true, word: true, statistic: true, falseNegativeFlags: true },
  });
}

/** An evaluation run's metrics per OOD set and its per-image scores per image set, without row ids. */
export async function evaluationOutcome(prisma: PrismaClient, evaluationRunId: string) {
  const [results, scores] = await Promise.all([
    prisma.evaluationResult.findMany({ where: { evaluationRunId }, orderBy: { oodImageSetId: 'asc' } }),
    prisma.sampleScores.findMany({ where: { evaluationRunId }, orderBy: { imageSetId: 'asc' } }),
  ]);
  return {
    results: results.map((row) => ({ ...row, id: '', evaluationRunId: '' })),
    scores: scores.map((row) => ({ imageSetId: row.imageSetId, bytes: Buffer.from(row.scores).toString('base64') })),
  };
}
