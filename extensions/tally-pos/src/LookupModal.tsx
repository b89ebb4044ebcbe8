/** @jsxImportSource preact */
import { useRef, useState } from "preact/hooks";
import type { Api } from "@shopify/ui-extensions/pos.customer-details.action.render";
import { renderTarget } from "../../shared/target";
import { pointsText, problemKey } from "./format";
import { lookUpMembers, type FoundMember } from "./pos-api";

// The global Shopify gives this target (pos.customer-details.action.render).
declare const shopify: Api;

export default renderTarget(() => <LookupModal />);

const MIN_QUERY = 2;

/** Staff find a member by email, name or phone and put them in the cart. */
export function LookupModal() {
  const { i18n } = shopify;
  const [found, setFound] = useState<FoundMember[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // Only the latest search's answer is shown.
  const latest = useRef(0);

  const search = (text: string) => {
    const query = text.trim();
    const asked = ++latest.current;
    if (query.length < MIN_QUERY) return setFound(null);
    lookUpMembers(shopify.session, query, shopify.locale.current.value).then(
      (members) => {
        if (asked !== latest.current) return;
        setProblem(null);
        setFound(members);
      },
      (error) => asked === latest.current && setProblem(problemKey(error)),
    );
  };

  const addToCart = async (member: FoundMember) => {
    await shopify.cart.setCustomer({ id: Number(member.customerId) });
    shopify.toast.show(i18n.translate("lookup.added", { name: member.name || member.email || member.customerId }));
  };

  return (
    <s-page heading={i18n.translate("lookup.heading")}>
      <s-scroll-box>
        <s-stack direction="block" gap="small">
          <s-search-field
            placeholder={i18n.translate("lookup.placeholder")}
            onInput={(event) => search(String(event.currentTarget.value ?? ""))}
          />
          {problem ? <s-banner tone="critical">{i18n.translate(problem)}</s-banner> : null}
          {found === null ? <s-text color="subdued">{i18n.translate("lookup.hint")}</s-text> : null}
          {found?.length === 0 ? <s-text>{i18n.translate("lookup.none")}</s-text> : null}
          {found?.map((member) => (
            <s-section key={member.customerId} heading={member.name || member.email || member.customerId}>
              <s-stack direction="inline" justifyContent="space-between" alignItems="center">
                <s-text>
                  {[pointsText(i18n, member.balance), member.tier, member.name ? member.email : null]
                    .filter(Boolean)
                    .join(" · ")}
                </s-text>
                <s-button onClick={() => addToCart(member)}>{i18n.translate("lookup.addToCart")}</s-button>
              </s-stack>
            </s-section>
          ))}
        </s-stack>
      </s-scroll-box>
    </s-page>
  );
}
