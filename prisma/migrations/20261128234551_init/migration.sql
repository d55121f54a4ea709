-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "model_kind" AS ENUM ('onnx_folder', 'imported_space');

-- CreateEnum
CREATE TYPE "model_status" AS ENUM ('ready', 'failed');

-- CreateEnum
CREATE TYPE "backbone" AS ENUM ('rn50', 'vit-b32', 'vit-b16', 'vit-l14', 'vit-l14-336');

-- CreateEnum
CREATE TYPE "selection_method" AS ENUM ('knn-density', 'neglabel');

-- CreateEnum
CREATE TYPE "scoring_method" AS ENUM ('mcm', 'neglabel', 'debiased', 'adaneg');

-- CreateEnum
CREATE TYPE "run_status" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "image_set_kind" AS ENUM ('folder', 'imported');

-- CreateEnum
CREATE TYPE "shard_kind" AS ENUM ('images', 'text');

-- CreateEnum
CREATE TYPE "shard_status" AS ENUM ('pending', 'done', 'failed');

-- CreateTable
CREATE TABLE "encoder_models" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "model_kind" NOT NULL,
    "folder" TEXT,
    "backbone" "backbone",
    "embedding_dim" INTEGER NOT NULL,
    "content_hash" TEXT NOT NULL,
    "status" "model_status" NOT NULL DEFAULT 'ready',
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "encoder_models_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "label_sets" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "labels" TEXT[],
    "prompt_templates" TEXT[],
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "label_sets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "corpora" (
    "id" UUID NOT NULL,
    "version_hash" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "options" JSONB NOT NULL,
    "entry_count" INTEGER NOT NULL,
    "entries" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "corpora_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "text_embeddings" (
    "model_hash" TEXT NOT NULL,
    "input_hash" TEXT NOT NULL,
    "vector" BYTEA NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "text_embeddings_pkey" PRIMARY KEY ("model_hash","input_hash")
);

-- CreateTable
CREATE TABLE "image_embeddings" (
    "model_hash" TEXT NOT NULL,
    "input_hash" TEXT NOT NULL,
    "vector" BYTEA NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "image_embeddings_pkey" PRIMARY KEY ("model_hash","input_hash")
);

-- CreateTable
CREATE TABLE "image_sets" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "image_set_kind" NOT NULL,
    "folder" TEXT,
    "model_id" UUID,
    "image_count" INTEGER NOT NULL,
    "content_hash" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "image_sets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "image_set_items" (
    "image_set_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "path" TEXT,
    "input_hash" TEXT NOT NULL,

    CONSTRAINT "image_set_items_pkey" PRIMARY KEY ("image_set_id","position")
);

-- CreateTable
CREATE TABLE "mining_runs" (
    "id" UUID NOT NULL,
    "label_set_id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "corpus_id" UUID NOT NULL,
    "selection_method" "selection_method" NOT NULL,
    "selection_params" JSONB NOT NULL,
    "labels_snapshot" TEXT[],
    "model_hash" TEXT NOT NULL,
    "status" "run_status" NOT NULL DEFAULT 'queued',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "status_reason" TEXT,
    "error" TEXT,
    "error_code" TEXT,
    "code_version" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "heartbeat_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "mining_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "negative_labels" (
    "mining_run_id" UUID NOT NULL,
    "rank" INTEGER NOT NULL,
    "corpus_index" INTEGER NOT NULL,
    "word" TEXT NOT NULL,
    "pos" TEXT NOT NULL,
    "lexname" TEXT,
    "statistic" DOUBLE PRECISION NOT NULL,
    "false_negative_flags" TEXT[],
    "flagged" BOOLEAN NOT NULL,
    "nearest_id_label" TEXT,
    "nearest_id_cosine" DOUBLE PRECISION,

    CONSTRAINT "negative_labels_pkey" PRIMARY KEY ("mining_run_id","rank")
);

-- CreateTable
CREATE TABLE "evaluation_runs" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT,
    "label_set_id" UUID NOT NULL,
    "model_id" UUID NOT NULL,
    "mining_run_id" UUID,
    "method" "scoring_method" NOT NULL,
    "params" JSONB NOT NULL,
    "seed" INTEGER NOT NULL,
    "permutations" INTEGER NOT NULL,
    "id_image_set_id" UUID NOT NULL,
    "ood_image_set_ids" TEXT[],
    "model_hash" TEXT NOT NULL,
    "shard_size" INTEGER NOT NULL,
    "status" "run_status" NOT NULL DEFAULT 'queued',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "status_reason" TEXT,
    "error" TEXT,
    "error_code" TEXT,
    "code_version" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "heartbeat_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "evaluation_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evaluation_results" (
    "evaluation_run_id" UUID NOT NULL,
    "ood_image_set_id" UUID NOT NULL,
    "fpr_at_tpr_id" DOUBLE PRECISION NOT NULL,
    "fpr_at_tpr_ood" DOUBLE PRECISION NOT NULL,
    "auroc" DOUBLE PRECISION NOT NULL,
    "aupr_in" DOUBLE PRECISION NOT NULL,
    "aupr_out" DOUBLE PRECISION NOT NULL,
    "n_id" INTEGER NOT NULL,
    "n_ood" INTEGER NOT NULL,
    "threshold_at_tpr_id" DOUBLE PRECISION NOT NULL,
    "roc_points" JSONB NOT NULL,
    "histograms" JSONB NOT NULL,
    "guard_hits" INTEGER NOT NULL,

    CONSTRAINT "evaluation_results_pkey" PRIMARY KEY ("evaluation_run_id","ood_image_set_id")
);

-- CreateTable
CREATE TABLE "sample_scores" (
    "evaluation_run_id" UUID NOT NULL,
    "image_set_id" UUID NOT NULL,
    "scores" BYTEA NOT NULL,

    CONSTRAINT "sample_scores_pkey" PRIMARY KEY ("evaluation_run_id","image_set_id")
);

-- CreateTable
CREATE TABLE "encode_shards" (
    "run_id" UUID NOT NULL,
    "kind" "shard_kind" NOT NULL,
    "target_id" UUID NOT NULL,
    "start" INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    "status" "shard_status" NOT NULL DEFAULT 'pending',
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "encode_shards_pkey" PRIMARY KEY ("run_id","kind","target_id","start")
);

-- CreateIndex
CREATE UNIQUE INDEX "encoder_models_name_key" ON "encoder_models"("name");

-- CreateIndex
CREATE UNIQUE INDEX "label_sets_name_key" ON "label_sets"("name");

-- CreateIndex
CREATE UNIQUE INDEX "corpora_version_hash_key" ON "corpora"("version_hash");

-- CreateIndex
CREATE UNIQUE INDEX "image_sets_name_key" ON "image_sets"("name");

-- CreateIndex
CREATE INDEX "mining_runs_label_set_id_model_id_created_at_idx" ON "mining_runs"("label_set_id", "model_id", "created_at");

-- CreateIndex
CREATE INDEX "mining_runs_status_idx" ON "mining_runs"("status");

-- CreateIndex
CREATE INDEX "negative_labels_mining_run_id_statistic_idx" ON "negative_labels"("mining_run_id", "statistic");

-- CreateIndex
CREATE INDEX "negative_labels_mining_run_id_word_idx" ON "negative_labels"("mining_run_id", "word");

-- CreateIndex
CREATE UNIQUE INDEX "evaluation_runs_idempotency_key_key" ON "evaluation_runs"("idempotency_key");

-- CreateIndex
CREATE INDEX "evaluation_runs_label_set_id_created_at_idx" ON "evaluation_runs"("label_set_id", "created_at");

-- CreateIndex
CREATE INDEX "evaluation_runs_model_id_created_at_idx" ON "evaluation_runs"("model_id", "created_at");

-- CreateIndex
CREATE INDEX "evaluation_runs_method_created_at_idx" ON "evaluation_runs"("method", "created_at");

-- CreateIndex
CREATE INDEX "evaluation_runs_status_created_at_idx" ON "evaluation_runs"("status", "created_at");

-- CreateIndex
CREATE INDEX "evaluation_runs_created_at_idx" ON "evaluation_runs"("created_at");

-- AddForeignKey
ALTER TABLE "image_sets" ADD CONSTRAINT "image_sets_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "encoder_models"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "image_set_items" ADD CONSTRAINT "image_set_items_image_set_id_fkey" FOREIGN KEY ("image_set_id") REFERENCES "image_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mining_runs" ADD CONSTRAINT "mining_runs_label_set_id_fkey" FOREIGN KEY ("label_set_id") REFERENCES "label_sets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mining_runs" ADD CONSTRAINT "mining_runs_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "encoder_models"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mining_runs" ADD CONSTRAINT "mining_runs_corpus_id_fkey" FOREIGN KEY ("corpus_id") REFERENCES "corpora"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "negative_labels" ADD CONSTRAINT "negative_labels_mining_run_id_fkey" FOREIGN KEY ("mining_run_id") REFERENCES "mining_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluation_runs" ADD CONSTRAINT "evaluation_runs_label_set_id_fkey" FOREIGN KEY ("label_set_id") REFERENCES "label_sets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluation_runs" ADD CONSTRAINT "evaluation_runs_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "encoder_models"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluation_runs" ADD CONSTRAINT "evaluation_runs_mining_run_id_fkey" FOREIGN KEY ("mining_run_id") REFERENCES "mining_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluation_results" ADD CONSTRAINT "evaluation_results_evaluation_run_id_fkey" FOREIGN KEY ("evaluation_run_id") REFERENCES "evaluation_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sample_scores" ADD CONSTRAINT "sample_scores_evaluation_run_id_fkey" FOREIGN KEY ("evaluation_run_id") REFERENCES "evaluation_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
