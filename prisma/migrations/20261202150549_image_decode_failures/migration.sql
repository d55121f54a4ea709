-- CreateTable
CREATE TABLE "image_decode_failures" (
    "image_set_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "model_hash" TEXT NOT NULL,
    "model_id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "image_decode_failures_pkey" PRIMARY KEY ("image_set_id","model_hash","position")
);

-- CreateIndex
CREATE INDEX "image_decode_failures_model_id_idx" ON "image_decode_failures"("model_id");

-- AddForeignKey
ALTER TABLE "image_decode_failures" ADD CONSTRAINT "image_decode_failures_image_set_id_position_fkey" FOREIGN KEY ("image_set_id", "position") REFERENCES "image_set_items"("image_set_id", "position") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "image_decode_failures" ADD CONSTRAINT "image_decode_failures_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "encoder_models"("id") ON DELETE CASCADE ON UPDATE CASCADE;
