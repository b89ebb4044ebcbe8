/** @jsxImportSource preact */
import { useEffect, useState } from "preact/hooks";
import type { Api } from "@shopify/ui-extensions/purchase.checkout.reductions.render-after";
import {
  affordableRewards,
  fetchMember,
  nextReward,
  openCodes,
  redeemSafely,
  type Member,
  type Redemption,
  type Reward,
} from "../../shared/tally-api";
import { NoticeBanner, redeemNotice, type Notice } from "../../shared/notice";
import { perkLines } from "../../shared/perks";
import { renderTarget } from "../../shared/target";

// The global Shopify gives this target (purchase.checkout.reductions.render-after).
declare const shopify: Api;

export default renderTarget(() => <Reductions />);

/**
 * Next to the discount field: the shopper's points, the rewards they can afford and their unused
 * codes. Redeeming spends the points in Tally, then applies the code to this checkout; when the
 * checkout cannot take a code, redeeming is not offered (nothing is spent), and a code that fails
 * to apply is shown so it can be used later — it stays valid in the shopper's account.
 */
export function Reductions() {
  const { i18n } = shopify;
  const t = i18n.translate;
  const points = (n: number) => i18n.formatNumber(n);
  // No buyerIdentity at all: the app lacks customer data access, so ask Tally (the token knows).
  const guest = shopify.buyerIdentity ? !shopify.buyerIdentity.customer.value : false;
  const canApply = shopify.instructions.value.discounts.canUpdateDiscountCodes;
  const applied = new Set(shopify.discountCodes.value.map((d) => d.code.toUpperCase()));

  const [member, setMember] = useState<Member | null | "off" | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  const load = () =>
    fetchMember(shopify.sessionToken).then(
      (m) => (setMember(m), setFailed(false)),
      () => setFailed(true),
    );

  useEffect(() => {
    if (!guest) load();
  }, [guest]);

  // The program off for shoppers: nothing at all next to the discount field.
  if (member === "off") return null;
  if (guest || member === null) return <s-text>{t("signIn")}</s-text>;
  // A failed refresh keeps what was shown (and any code in the notice) on screen.
  if (!member) return failed ? <s-text color="subdued">{t("loadFailed")}</s-text> : <s-skeleton-paragraph />;

  const until = (r: Redemption) => i18n.formatDate(new Date(r.expiresAt!), { dateStyle: "medium" });

  async function apply(redemption: Redemption) {
    const code = redemption.code!;
    // Checked again: the checkout may have changed since this was rendered.
    const result = shopify.instructions.value.discounts.canUpdateDiscountCodes
      ? await shopify
          .applyDiscountCodeChange({ type: "addDiscountCode", code })
          .catch(() => ({ type: "error" as const }))
      : { type: "error" as const };
    setNotice(
      result.type === "success"
        ? { key: "applied", tone: "success", values: { code } }
        : { key: "applyFailed", tone: "warning", values: { code, date: until(redemption) } },
    );
  }

  async function onRedeem(reward: Reward) {
    // Never spend points for a code this checkout cannot take.
    if (!shopify.instructions.value.discounts.canUpdateDiscountCodes)
      return setNotice({ key: "cannotApply", tone: "info" });
    setBusy(reward.id);
    setNotice(null);
    const outcome = await redeemSafely(shopify.sessionToken, reward);
    if (outcome.kind === "redeemed" && outcome.redemption.status === "active" && outcome.redemption.code)
      await apply(outcome.redemption);
    else setNotice(redeemNotice(outcome, reward, points));
    setBusy(null);
    await load();
  }

  // Store credit is converted in the account or the storefront: at checkout it is a payment, not a code.
  const rewards = affordableRewards(member).filter((reward) => reward.type !== "store_credit");
  const storeCredit = member.storeCredit && member.storeCredit.fromPoints > 0 ? member.storeCredit : null;
  const codes = openCodes(member).filter((r) => r.code && !applied.has(r.code.toUpperCase()));
  const next = nextReward(member);
  const { balance, pending } = member.points;

  return (
    <s-stack gap="small-300">
      <s-text>
        {t("balance", { count: balance, points: points(balance) })}
        {pending > 0 ? ` ${t("pending", { points: points(pending) })}` : ""}
      </s-text>
      {perkLines(member, i18n).map((line) => (
        <s-text key={line} color="subdued">
          {line}
        </s-text>
      ))}
      {storeCredit && (
        <s-text color="subdued">
          {t("storeCredit", {
            amount: i18n.formatCurrency(Number(storeCredit.amount), { currency: storeCredit.currencyCode }),
          })}
        </s-text>
      )}
      {notice && <NoticeBanner notice={notice} translate={t} />}
      {!canApply && (rewards.length > 0 || codes.length > 0) && (
        <s-text color="subdued">{t("notice.cannotApply")}</s-text>
      )}
      {canApply &&
        rewards.map((reward) => (
          <s-stack key={reward.id} direction="inline" justifyContent="space-between" alignItems="center">
            <s-text>
              {t("reward", { count: reward.pointsCost, name: reward.name, points: points(reward.pointsCost) })}
            </s-text>
            <s-button
              variant="secondary"
              loading={busy === reward.id}
              disabled={busy !== null}
              onClick={() => onRedeem(reward)}
            >
              {t("redeem")}
            </s-button>
          </s-stack>
        ))}
      {codes.map((redemption) => (
        <s-stack key={redemption.id} direction="inline" justifyContent="space-between" alignItems="center">
          <s-text>{t("code", { code: redemption.code!, date: until(redemption) })}</s-text>
          {canApply && redemption.status === "active" && (
            <s-button variant="secondary" disabled={busy !== null} onClick={() => apply(redemption)}>
              {t("apply")}
            </s-button>
          )}
        </s-stack>
      ))}
      {rewards.length === 0 && next && (
        <s-text color="subdued">
          {t("nextReward", { count: next.missing, name: next.reward.name, missing: points(next.missing) })}
        </s-text>
      )}
    </s-stack>
  );
}
