-- CreateEnum
CREATE TYPE "run_step" AS ENUM ('prepare', 'encode', 'compute');

-- AlterTable
ALTER TABLE "mining_runs" ADD COLUMN     "claimed_by" TEXT,
ADD COLUMN     "step" "run_step" NOT NULL DEFAULT 'prepare';

-- AlterTable
ALTER TABLE "evaluation_runs" ADD COLUMN     "claimed_by" TEXT,
ADD COLUMN     "diagnostics" JSONB,
ADD COLUMN     "step" "run_step" NOT NULL DEFAULT 'prepare',
ADD COLUMN     "warnings" JSONB NOT NULL DEFAULT '[]';
