-- CreateIndex
CREATE INDEX "Page_runId_idx" ON "Page"("runId");

