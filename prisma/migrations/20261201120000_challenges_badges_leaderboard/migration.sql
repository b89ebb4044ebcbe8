-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "leaderboardOptIn" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "leaderboardName" TEXT;

-- CreateTable
CREATE TABLE "ChallengeCompletion" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "challengeId" TEXT NOT NULL,
    "cycle" INTEGER NOT NULL,
    "completedAt" TIMESTAMP(3) NOT NULL,
    "availableAt" TIMESTAMP(3) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "prizeRewardId" TEXT,
    "redemptionId" TEXT,
    "reversedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChallengeCompletion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MemberBadge" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "badgeId" TEXT NOT NULL,
    "icon" TEXT NOT NULL,
    "earnedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MemberBadge_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChallengeCompletion_availableAt_idx" ON "ChallengeCompletion"("availableAt") WHERE "prizeRewardId" IS NOT NULL AND "redemptionId" IS NULL AND "reversedAt" IS NULL;

-- CreateIndex
CREATE INDEX "ChallengeCompletion_shopId_challengeId_idx" ON "ChallengeCompletion"("shopId", "challengeId");

-- CreateIndex
CREATE UNIQUE INDEX "ChallengeCompletion_memberId_challengeId_cycle_key" ON "ChallengeCompletion"("memberId", "challengeId", "cycle");

-- CreateIndex
CREATE INDEX "MemberBadge_shopId_idx" ON "MemberBadge"("shopId");

-- CreateIndex
CREATE UNIQUE INDEX "MemberBadge_memberId_badgeId_key" ON "MemberBadge"("memberId", "badgeId");

-- AddForeignKey
ALTER TABLE "ChallengeCompletion" ADD CONSTRAINT "ChallengeCompletion_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChallengeCompletion" ADD CONSTRAINT "ChallengeCompletion_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MemberBadge" ADD CONSTRAINT "MemberBadge_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MemberBadge" ADD CONSTRAINT "MemberBadge_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The leaderboard's nickname is bounded by the app (app/loyalty/engagement/leaderboard.ts); the
-- database keeps it short whatever writes it.
ALTER TABLE "Member" ADD CONSTRAINT "Member_leaderboardName_check" CHECK (char_length("leaderboardName") <= 40);
