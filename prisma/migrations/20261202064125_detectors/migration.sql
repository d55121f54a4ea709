-- CreateTable
CREATE TABLE "detectors" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "method" "scoring_method" NOT NULL,
    "params" JSONB NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "target_tpr" DOUBLE PRECISION,
    "achieved_tpr" DOUBLE PRECISION,
    "calibration_image_set_id" UUID,
    "calibration_size" INTEGER,
    "calibration_sha256" TEXT,
    "embedding_dim" INTEGER NOT NULL,
    "model_id" UUID NOT NULL,
    "model_hash" TEXT NOT NULL,
    "label_set_id" UUID NOT NULL,
    "labels" TEXT[],
    "mining_run_id" UUID,
    "evaluation_run_id" UUID,
    "negative_count" INTEGER NOT NULL,
    "metrics" JSONB NOT NULL DEFAULT '[]',
    "onnx" BYTEA NOT NULL,
    "onnx_sha256" TEXT NOT NULL,
    "manifest_json" TEXT NOT NULL,
    "code_version" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "detectors_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "detectors_created_at_id_idx" ON "detectors"("created_at", "id");

-- CreateIndex
CREATE INDEX "detectors_label_set_id_model_id_idx" ON "detectors"("label_set_id", "model_id");

-- CreateIndex
CREATE INDEX "detectors_evaluation_run_id_idx" ON "detectors"("evaluation_run_id");

-- AddForeignKey
ALTER TABLE "detectors" ADD CONSTRAINT "detectors_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "encoder_models"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "detectors" ADD CONSTRAINT "detectors_label_set_id_fkey" FOREIGN KEY ("label_set_id") REFERENCES "label_sets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "detectors" ADD CONSTRAINT "detectors_mining_run_id_fkey" FOREIGN KEY ("mining_run_id") REFERENCES "mining_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "detectors" ADD CONSTRAINT "detectors_evaluation_run_id_fkey" FOREIGN KEY ("evaluation_run_id") REFERENCES "evaluation_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
