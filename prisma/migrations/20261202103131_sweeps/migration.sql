-- CreateEnum
CREATE TYPE "sweep_objective" AS ENUM ('auroc', 'fprAtTprId', 'fprAtTprOod');

-- CreateEnum
CREATE TYPE "sweep_role" AS ENUM ('validation', 'test');

-- AlterTable
ALTER TABLE "evaluation_runs" ADD COLUMN     "sweep_id" UUID,
ADD COLUMN     "sweep_index" INTEGER,
ADD COLUMN     "sweep_role" "sweep_role";

-- CreateTable
CREATE TABLE "sweeps" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT,
    "label_set_id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "mining_run_id" UUID,
    "method" "scoring_method" NOT NULL,
    "objective" "sweep_objective" NOT NULL,
    "grid" JSONB NOT NULL,
    "base_params" JSONB NOT NULL DEFAULT '{}',
    "child_requests" JSONB NOT NULL,
    "test_request" JSONB,
    "validation_id_image_set_id" UUID NOT NULL,
    "validation_ood_image_set_ids" TEXT[],
    "test_id_image_set_id" UUID,
    "test_ood_image_set_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "model_hash" TEXT NOT NULL,
    "shard_size" INTEGER NOT NULL,
    "best_index" INTEGER,
    "best_params" JSONB,
    "status" "run_status" NOT NULL DEFAULT 'queued',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "status_reason" TEXT,
    "error" TEXT,
    "error_code" TEXT,
    "code_version" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "heartbeat_at" TIMESTAMP(3),
    "claimed_by" TEXT,
    "step" "run_step" NOT NULL DEFAULT 'prepare',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "sweeps_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sweeps_idempotency_key_key" ON "sweeps"("idempotency_key");

-- CreateIndex
CREATE INDEX "sweeps_created_at_id_idx" ON "sweeps"("created_at", "id");

-- CreateIndex
CREATE INDEX "sweeps_status_idx" ON "sweeps"("status");

-- CreateIndex
CREATE INDEX "evaluation_runs_sweep_id_sweep_role_sweep_index_idx" ON "evaluation_runs"("sweep_id", "sweep_role", "sweep_index");

-- AddForeignKey
ALTER TABLE "evaluation_runs" ADD CONSTRAINT "evaluation_runs_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_label_set_id_fkey" FOREIGN KEY ("label_set_id") REFERENCES "label_sets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "encoder_models"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_mining_run_id_fkey" FOREIGN KEY ("mining_run_id") REFERENCES "mining_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
