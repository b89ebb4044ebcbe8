import type { Tx } from "~/loyalty/points/ledger.server";
import type { LoadedShop } from "~/loyalty/program/program.server";
import { redemptionsByCode } from "~/loyalty/rewards/redemptions.server";
import { membershipPerkTitles, tierPerkTitles } from "~/loyalty/tiers/perks";
import { minorUnitDigits } from "~/money/currency";
import { tallyOrderDiscounts } from "./order-discounts";
import type { PaidOrder } from "./paid-order";

/**
 * The order's OrderDiscount rows rewritten from its facts (delete, then insert), in the transaction
 * that settles it: a redelivery or a reconciliation of the same order writes the same rows.
 */
export async function recordOrderDiscounts(tx: Tx, shop: LoadedShop, paid: PaidOrder, firstPayment: boolean) {
  const discounts = tallyOrderDiscounts(
    paid,
    {
      redemptionIdByCode: await redemptionsByCode(
        tx,
        shop.id,
        paid.codeDiscounts.map(({ code }) => code),
      ),
      tierPerkTitles: tierPerkTitles(shop.program),
      membershipPerkTitles: membershipPerkTitles(shop.program),
    },
    minorUnitDigits(paid.currencyCode),
  );
  // Only a paid order has discounts recorded: on its first payment there is nothing to replace
  // (and every order's apply is spared a statement).
  if (!firstPayment) {
    await tx.orderDiscount.deleteMany({ where: { shopId: shop.id, shopifyOrderId: paid.shopifyOrderId } });
  }
  if (!discounts.length) return;
  await tx.orderDiscount.createMany({
    data: discounts.map((discount) => ({
      ...discount,
      shopId: shop.id,
      shopifyOrderId: paid.shopifyOrderId,
      currencyCode: paid.currencyCode,
      placedAt: paid.placedAt,
    })),
  });
}
