-- DropIndex
DROP INDEX "evaluation_runs_created_at_idx";

-- AlterTable
ALTER TABLE "evaluation_runs" ADD COLUMN     "group_permutation" BYTEA;

-- CreateIndex
CREATE INDEX "evaluation_runs_created_at_id_idx" ON "evaluation_runs"("created_at", "id");
