/** @jsxImportSource preact */
import type { Api } from "@shopify/ui-extensions/customer-account.page.render";
import type { Member, MembershipOffer, MembershipPlan } from "../../shared/tally-api";

declare const shopify: Api;

/**
 * The paid membership on the Rewards page (docs/membership.md): a paying member's status, renewal
 * date ("Renews on …", "Ends on …") and savings so far; anyone else the offer to join ("Join Club
 * for €79.00/year: 2× points, free shipping") with a link to the plan's product page on the shop's
 * storefront, where they buy it. Nothing when the program sells no membership.
 */
export function Membership({ member }: { member: Member }) {
  const { i18n } = shopify;
  const t = i18n.translate;
  const num = (n: number) => i18n.formatNumber(n);
  const day = (at: string) => i18n.formatDate(new Date(at), { dateStyle: "medium" });
  // Amounts are the shop's currency as Shopify's decimal text (formatted, never summed).
  const money = (amount: string, currency: string | null) =>
    currency ? i18n.formatCurrency(Number(amount), { currency }) : amount;
  const points = (n: number) => t("points", { count: n, points: num(n) });

  const offer = member.program.membership ?? null;
  const paid = member.membership ?? null;

  if (paid?.active) {
    const { discount } = paid.savings;
    const saved = Number(discount.amount) > 0 || paid.savings.points > 0;
    const when = paid.status === "grace" ? "grace" : paid.autoRenews ? "renews" : "ends";
    return (
      <s-section heading={t("membership.heading")}>
        <s-stack gap="small-300">
          <s-text type="strong">
            {t("membership.member", { name: offer?.name ?? paid.planName, plan: paid.planName })}
          </s-text>
          <s-text color="subdued">{t(`membership.${when}`, { date: day(paid.paidThrough) })}</s-text>
          {saved && (
            <s-text>
              {t("membership.savings", {
                amount: money(discount.amount, discount.currencyCode),
                points: points(paid.savings.points),
              })}
            </s-text>
          )}
        </s-stack>
      </s-section>
    );
  }
  if (!offer) return null;

  const price = (plan: MembershipPlan) =>
    t(`membership.per_${plan.interval}${plan.intervalCount > 1 ? "s" : ""}`, {
      price: money(plan.price, plan.currencyCode),
      number: num(plan.intervalCount),
    });
  const perks = perksText(offer, { t, num, money, points });
  return (
    <s-section heading={t("membership.heading")}>
      <s-stack gap="small-300">
        {offer.plans.map((plan) => {
          const name = offer.plans.length > 1 ? `${offer.name} · ${plan.name}` : offer.name;
          return (
            <s-stack key={plan.id} direction="inline" justifyContent="space-between" alignItems="center">
              <s-text>
                {t(perks ? "membership.join" : "membership.joinPlain", { name, price: price(plan), perks })}
              </s-text>
              {plan.productUrl && (
                <s-button variant="secondary" href={plan.productUrl} target="_blank">
                  {t("membership.view")}
                </s-button>
              )}
            </s-stack>
          );
        })}
      </s-stack>
    </s-section>
  );
}

/** "2× points, free shipping, 100 points when you join". */
function perksText(
  offer: MembershipOffer,
  f: {
    t: (key: string, values?: Record<string, string | number>) => string;
    num: (n: number) => string;
    money: (amount: string, currency: string | null) => string;
    points: (n: number) => string;
  },
): string {
  const perks: string[] = [];
  const { earnMultiplier, discounts, joinBonusPoints } = offer.perks;
  if (earnMultiplier > 1) perks.push(f.t("membership.perkPoints", { multiplier: f.num(earnMultiplier) }));
  for (const perk of discounts) {
    if (perk.type === "percentage_off")
      perks.push(
        f.t(perk.collectionIds.length ? "membership.perkPercentageSome" : "membership.perkPercentage", {
          percentage: f.num(perk.percentage),
        }),
      );
    else if (perk.minimumSubtotal === null) perks.push(f.t("membership.perkFreeShipping"));
    else
      perks.push(
        f.t("membership.perkFreeShippingOver", {
          amount: f.money(perk.minimumSubtotal.toFixed(2), perk.currencyCode),
        }),
      );
  }
  if (joinBonusPoints > 0) perks.push(f.t("membership.perkJoinBonus", { points: f.points(joinBonusPoints) }));
  return perks.join(", ");
}
