/** @jsxImportSource preact */
import { useEffect, useState } from "preact/hooks";
import type { Api } from "@shopify/ui-extensions/pos.customer-details.block.render";
import { renderTarget } from "../../shared/target";
import { perkTexts, pointsText, problemKey, type Loaded } from "./format";
import { fetchPosMember, type PosMember } from "./pos-api";

// The global Shopify gives this target (pos.customer-details.block.render).
declare const shopify: Api;

export default renderTarget(() => <CustomerBlock />);

/** On the customer's page in POS: their points, tier and perks, and points about to expire. */
export function CustomerBlock() {
  const { i18n } = shopify;
  const [member, setMember] = useState<Loaded<PosMember>>({ status: "loading" });

  useEffect(() => {
    fetchPosMember(shopify.session, shopify.customer.id, shopify.locale.current.value).then(
      (value) => setMember({ status: "ready", value }),
      (error) => setMember({ status: "problem", key: problemKey(error) }),
    );
  }, []);

  if (member.status === "loading") return null;
  if (member.status === "problem")
    return (
      <s-pos-block heading={i18n.translate("title")}>
        <s-text tone="critical">{i18n.translate(member.key)}</s-text>
      </s-pos-block>
    );
  const { points, tier, program } = member.value;
  const perks = perkTexts(member.value, i18n);
  return (
    <s-pos-block heading={i18n.translate("title")}>
      <s-stack direction="block" gap="small">
        {program.enabled ? null : <s-text tone="caution">{i18n.translate("off")}</s-text>}
        <s-text type="strong">{i18n.translate("block.balance", { points: pointsText(i18n, points.balance) })}</s-text>
        {points.pending > 0 ? (
          <s-text color="subdued">
            {i18n.translate("block.pending", { points: pointsText(i18n, points.pending) })}
          </s-text>
        ) : null}
        <s-text>{tier ? i18n.translate("block.tier", { name: tier.name }) : i18n.translate("block.noTier")}</s-text>
        {perks.map((perk) => (
          <s-text key={perk}>{perk}</s-text>
        ))}
        {points.expiringNext ? (
          <s-text tone="caution">
            {i18n.translate("block.expiring", {
              points: pointsText(i18n, points.expiringNext.points),
              date: i18n.formatDate(new Date(points.expiringNext.at), { dateStyle: "medium" }),
            })}
          </s-text>
        ) : null}
      </s-stack>
    </s-pos-block>
  );
}
