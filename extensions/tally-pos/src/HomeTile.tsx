/** @jsxImportSource preact */
import { useEffect, useState } from "preact/hooks";
import type { Api } from "@shopify/ui-extensions/pos.home.tile.render";
import { renderTarget } from "../../shared/target";
import { pointsText } from "./format";
import { fetchPosMember } from "./pos-api";

// The global Shopify gives this target (pos.home.tile.render).
declare const shopify: Api;

export default renderTarget(() => <HomeTile />);

/** On the POS home screen: the cart customer's points; tapping opens the redeem modal. */
export function HomeTile() {
  const { i18n } = shopify;
  const customerId = shopify.cart.current.value.customer?.id ?? null;
  const [balance, setBalance] = useState<number | null>(null);

  useEffect(() => {
    setBalance(null);
    if (customerId === null) return;
    let current = true;
    fetchPosMember(shopify.session, customerId, shopify.locale.current.value).then(
      (member) => current && setBalance(member.points.balance),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [customerId]);

  return (
    <s-tile
      heading={i18n.translate("title")}
      subheading={
        customerId === null
          ? i18n.translate("tile.noCustomer")
          : balance === null
            ? ""
            : i18n.translate("tile.balance", { points: pointsText(i18n, balance) })
      }
      onClick={() => shopify.action.presentModal()}
    />
  );
}
