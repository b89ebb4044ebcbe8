/** @jsxImportSource preact */
import type { Api } from "@shopify/ui-extensions/pos.customer-details.action.menu-item.render";
import { renderTarget } from "../../shared/target";

// The global Shopify gives this target (pos.customer-details.action.menu-item.render).
declare const shopify: Api;

export default renderTarget(() => <LookupButton />);

/** In the customer page's action menu: opens the member look-up. */
export function LookupButton() {
  return <s-button onClick={() => shopify.action.presentModal()}>{shopify.i18n.translate("lookup.action")}</s-button>;
}
