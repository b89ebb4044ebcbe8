/** @jsxImportSource preact */
import { useEffect, useState } from "preact/hooks";
import type { Api } from "@shopify/ui-extensions/purchase.thank-you.block.render";
import { fetchMember, fetchOrderPoints, sleep, type OrderPoints } from "../../shared/tally-api";
import { renderTarget } from "../../shared/target";

// The global Shopify gives this target (purchase.thank-you.block.render).
declare const shopify: Api;

export default renderTarget(() => <ThankYou />);

/** Tally records the order when Shopify's `orders/paid` webhook arrives: ask again meanwhile. */
export const RETRY_DELAYS = [2000, 4000, 8000, 16000];

/**
 * "You earned N points" for the order just placed (pending while the program holds them). Only
 * for a signed-in customer: the session token's `sub` is who Tally answers for, and it answers
 * only for their own order.
 */
export function ThankYou({ retryDelays = RETRY_DELAYS }: { retryDelays?: number[] }) {
  const { i18n } = shopify;
  const orderId = shopify.orderConfirmation.value?.order.id;
  const guest = shopify.buyerIdentity ? !shopify.buyerIdentity.customer.value : false;
  const [answer, setAnswer] = useState<OrderPoints | null>(null);

  useEffect(() => {
    if (guest || !orderId) return;
    let stopped = false;
    (async () => {
      // The program off for shoppers (its points wait for the merchant's plan): nothing to say.
      if ((await fetchMember(shopify.sessionToken).catch(() => null)) === "off") return;
      for (const delay of [0, ...retryDelays]) {
        if (delay) await sleep(delay);
        if (stopped) return;
        const next = await fetchOrderPoints(shopify.sessionToken, orderId).catch(() => null);
        if (!next) return; // 401, 404, unreachable: say nothing rather than something wrong
        setAnswer(next);
        if (next.status !== "processing") return;
      }
    })();
    return () => {
      stopped = true;
    };
  }, [guest, orderId]);

  if (!answer || answer.status === "none") return null;
  if (answer.status === "processing") return <s-text>{i18n.translate("thankYou.processing")}</s-text>;
  const points = i18n.formatNumber(answer.points);
  return (
    <s-banner tone="success">
      {answer.status === "pending" && answer.availableAt
        ? i18n.translate("thankYou.pending", {
            count: answer.points,
            points,
            date: i18n.formatDate(new Date(answer.availableAt), { dateStyle: "medium" }),
          })
        : i18n.translate("thankYou.earned", { count: answer.points, points })}
    </s-banner>
  );
}
