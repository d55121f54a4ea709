-- AlterTable
ALTER TABLE "evaluation_runs" ADD COLUMN     "mean_auroc" DOUBLE PRECISION,
ADD COLUMN     "mean_fpr_at_tpr_id" DOUBLE PRECISION,
ADD COLUMN     "mean_fpr_at_tpr_ood" DOUBLE PRECISION;

-- Backfill: the means over each run's stored results, as EvaluationRepository.writeResults now
-- writes them with the results (runs without results keep nulls).
UPDATE "evaluation_runs" AS r
   SET "mean_fpr_at_tpr_id" = m.fpr_id, "mean_fpr_at_tpr_ood" = m.fpr_ood, "mean_auroc" = m.auroc
  FROM (SELECT "evaluation_run_id", avg("fpr_at_tpr_id") AS fpr_id, avg("fpr_at_tpr_ood") AS fpr_ood, avg("auroc") AS auroc
          FROM "evaluation_results" GROUP BY "evaluation_run_id") AS m
 WHERE m."evaluation_run_id" = r."id";

-- CreateIndex
CREATE INDEX "evaluation_runs_mean_fpr_at_tpr_id_id_idx" ON "evaluation_runs"("mean_fpr_at_tpr_id", "id");

-- CreateIndex
CREATE INDEX "evaluation_runs_mean_fpr_at_tpr_ood_id_idx" ON "evaluation_runs"("mean_fpr_at_tpr_ood", "id");

-- CreateIndex
CREATE INDEX "evaluation_runs_mean_auroc_id_idx" ON "evaluation_runs"("mean_auroc", "id");
