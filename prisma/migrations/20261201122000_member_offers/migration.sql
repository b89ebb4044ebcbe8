-- CreateTable
CREATE TABLE "MemberOffer" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "memberId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "multiplier" DOUBLE PRECISION NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MemberOffer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MemberOffer_shopId_kind_startsAt_idx" ON "MemberOffer"("shopId", "kind", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "MemberOffer_memberId_kind_startsAt_key" ON "MemberOffer"("memberId", "kind", "startsAt");

-- AddForeignKey
ALTER TABLE "MemberOffer" ADD CONSTRAINT "MemberOffer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MemberOffer" ADD CONSTRAINT "MemberOffer_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- An offer ends after it starts, and multiplies earning.
ALTER TABLE "MemberOffer"
  ADD CONSTRAINT "MemberOffer_window_check" CHECK ("endsAt" > "startsAt" AND "multiplier" > 1);
