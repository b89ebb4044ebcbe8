/** @jsxImportSource preact */
import type { Api } from "@shopify/ui-extensions/customer-account.order-status.block.render";
import { renderTarget } from "../../shared/target";
import { OrderSurvey, RETRY_DELAYS } from "./OrderSurvey";

// The global Shopify gives this target (customer-account.order-status.block.render).
declare const shopify: Api;

export default renderTarget(() => <OrderStatusSurvey />);

/**
 * The survey on the order status page, for the order shown (`shopify.order`), until it is answered
 * — on the thank-you page, here, or in the customer account's Rewards page.
 */
export function OrderStatusSurvey({ retryDelays = RETRY_DELAYS }: { retryDelays?: number[] }) {
  const guest = shopify.buyerIdentity ? !shopify.buyerIdentity.customer.value : false;
  return (
    <OrderSurvey
      orderId={shopify.order.value?.id}
      guest={guest}
      sessionToken={shopify.sessionToken}
      i18n={shopify.i18n}
      retryDelays={retryDelays}
    />
  );
}
