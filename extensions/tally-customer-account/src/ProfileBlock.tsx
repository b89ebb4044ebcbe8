/** @jsxImportSource preact */
import { useEffect, useState } from "preact/hooks";
import type { Api } from "@shopify/ui-extensions/customer-account.profile.block.render";
import { fetchMember, type Member } from "../../shared/tally-api";
import { renderTarget } from "../../shared/target";

// The global Shopify gives this target (customer-account.profile.block.render).
declare const shopify: Api;

export default renderTarget(() => <ProfileBlock />);

/** The balance on the Profile page, with a link to the Rewards page (this extension's full page). */
export function ProfileBlock() {
  const { i18n } = shopify;
  const [member, setMember] = useState<Member | null | "off" | undefined>(undefined);

  useEffect(() => {
    fetchMember(shopify.sessionToken).then(setMember, () => setMember(null));
  }, []);

  // Nothing to show (unreachable, no member, or the program off for shoppers): the profile page stays as it was.
  if (!member || member === "off") return null;
  const { balance } = member.points;
  return (
    <s-section heading={i18n.translate("profile.heading")}>
      <s-stack direction="inline" justifyContent="space-between" alignItems="center">
        <s-text>
          {i18n.translate("points", { count: balance, points: i18n.formatNumber(balance) })}
          {member.tier ? ` · ${member.tier.name}` : ""}
        </s-text>
        <s-link href="extension:tally-customer-account/">{i18n.translate("profile.link")}</s-link>
      </s-stack>
    </s-section>
  );
}
