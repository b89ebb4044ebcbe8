-- CreateTable
CREATE TABLE "SurveyAnswer" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "surveyId" TEXT NOT NULL,
    "shopifyOrderId" TEXT NOT NULL,
    "memberId" TEXT,
    "shopifyCustomerId" TEXT,
    "score" INTEGER NOT NULL,
    "answers" JSONB NOT NULL,
    "comment" TEXT,
    "language" TEXT,
    "tierId" TEXT,
    "points" INTEGER NOT NULL DEFAULT 0,
    "redactedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SurveyAnswer_shopId_surveyId_createdAt_idx" ON "SurveyAnswer"("shopId", "surveyId", "createdAt");

-- CreateIndex
CREATE INDEX "SurveyAnswer_memberId_idx" ON "SurveyAnswer"("memberId");

-- CreateIndex
CREATE UNIQUE INDEX "SurveyAnswer_shopId_surveyId_shopifyOrderId_key" ON "SurveyAnswer"("shopId", "surveyId", "shopifyOrderId");

-- AddForeignKey
ALTER TABLE "SurveyAnswer" ADD CONSTRAINT "SurveyAnswer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SurveyAnswer" ADD CONSTRAINT "SurveyAnswer_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

