-- AlterTable
ALTER TABLE "encoder_models" ADD COLUMN     "noise_input_hashes" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "evaluation_runs" ADD COLUMN     "batch_size" INTEGER,
ADD COLUMN     "given_order_data" BYTEA,
ADD COLUMN     "stream_orders" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "stream_seed" INTEGER;
