-- CreateTable
CREATE TABLE "run_events" (
    "id" SERIAL NOT NULL,
    "mining_run_id" UUID,
    "evaluation_run_id" UUID,
    "sweep_id" UUID,
    "attempt" INTEGER NOT NULL,
    "event" TEXT NOT NULL,
    "message" TEXT,
    "code" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "run_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "run_events_mining_run_id_id_idx" ON "run_events"("mining_run_id", "id");

-- CreateIndex
CREATE INDEX "run_events_evaluation_run_id_id_idx" ON "run_events"("evaluation_run_id", "id");

-- CreateIndex
CREATE INDEX "run_events_sweep_id_id_idx" ON "run_events"("sweep_id", "id");

-- AddForeignKey
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_mining_run_id_fkey" FOREIGN KEY ("mining_run_id") REFERENCES "mining_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_evaluation_run_id_fkey" FOREIGN KEY ("evaluation_run_id") REFERENCES "evaluation_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE CASCADE ON UPDATE CASCADE;
