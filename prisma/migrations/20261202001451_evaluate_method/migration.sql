-- AlterEnum
ALTER TYPE "scoring_method" ADD VALUE 'tanl';

-- AlterTable
ALTER TABLE "evaluation_runs" ADD COLUMN     "mean_metrics" JSONB;

