-- Redemptions at the point of sale (docs/pos.md): staff can undo one within a short window.
ALTER TYPE "RedemptionStatus" ADD VALUE 'reversed';

-- The channel is one of app/loyalty/rewards/pos.ts REDEMPTION_CHANNELS; every existing row is online.
ALTER TABLE "Redemption" ADD COLUMN "channel" TEXT NOT NULL DEFAULT 'online',
  ADD COLUMN "locationId" TEXT,
  ADD COLUMN "posUserId" TEXT,
  ADD COLUMN "reversedAt" TIMESTAMP(3),
  ADD COLUMN "staffMemberId" TEXT,
  ADD CONSTRAINT "Redemption_channel_check" CHECK ("channel" IN ('online', 'pos'));
