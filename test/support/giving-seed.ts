import type { PrismaClient } from "@prisma/client";

/*
 * Donations as the giving domain leaves them (app/loyalty/giving), written straight into the tables
 * for the merchant's report: one Donation row per order line of the donation product (its refunded
 * units taken off `quantity` and `amountCents`, both 0 once the order is cancelled), one
 * PointsDonation per member's gift of points.
 */

export interface SeededDonation {
  causeId: string;
  order: string;
  /** The day the order was placed (UTC): "2026-01-15". */
  on: string;
  /** Units of the donation product bought (each one minor unit). */
  bought: number;
  /** Units still counting; `bought` unless refunded or cancelled. */
  quantity?: number;
  memberId?: string | null;
  customerId?: string | null;
  currencyCode?: string;
}

export async function seedDonation(prisma: PrismaClient, shopId: string, donation: SeededDonation) {
  const quantity = donation.quantity ?? donation.bought;
  await prisma.donation.create({
    data: {
      shopId,
      causeId: donation.causeId,
      orderId: donation.order,
      shopifyOrderId: donation.order,
      lineItemId: "1",
      memberId: donation.memberId ?? null,
      shopifyCustomerId: donation.customerId ?? null,
      donatedAt: new Date(`${donation.on}T10:00:00Z`),
      bought: donation.bought,
      quantity,
      amountCents: BigInt(quantity),
      currencyCode: donation.currencyCode ?? "EUR",
    },
  });
}

export interface SeededPointsDonation {
  causeId: string;
  memberId: string;
  on: string;
  points: number;
  /** Their value in minor units at the program's rate. */
  valueCents: number;
  currencyCode?: string;
}

export async function seedPointsDonation(prisma: PrismaClient, shopId: string, gift: SeededPointsDonation) {
  await prisma.pointsDonation.create({
    data: {
      shopId,
      memberId: gift.memberId,
      requestKey: `member:${gift.memberId}:${gift.causeId}:${gift.on}:${gift.points}`,
      causeId: gift.causeId,
      points: gift.points,
      valueCents: BigInt(gift.valueCents),
      currencyCode: gift.currencyCode ?? "EUR",
      createdAt: new Date(`${gift.on}T10:00:00Z`),
    },
  });
}
