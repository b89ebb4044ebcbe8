/** @jsxImportSource preact */
import type { Api } from "@shopify/ui-extensions/purchase.thank-you.block.render";
import { renderTarget } from "../../shared/target";
import { OrderSurvey, RETRY_DELAYS } from "./OrderSurvey";

// The global Shopify gives this target (purchase.thank-you.block.render).
declare const shopify: Api;

export default renderTarget(() => <ThankYouSurvey />);

/**
 * The survey on the thank-you page, for the order just placed. A guest (no customer in
 * `buyerIdentity`) may answer without points; without protected customer data access
 * `buyerIdentity` is absent and Tally's answer says what was earned.
 */
export function ThankYouSurvey({ retryDelays = RETRY_DELAYS }: { retryDelays?: number[] }) {
  const guest = shopify.buyerIdentity ? !shopify.buyerIdentity.customer.value : false;
  return (
    <OrderSurvey
      orderId={shopify.orderConfirmation.value?.order.id}
      guest={guest}
      sessionToken={shopify.sessionToken}
      i18n={shopify.i18n}
      retryDelays={retryDelays}
    />
  );
}
