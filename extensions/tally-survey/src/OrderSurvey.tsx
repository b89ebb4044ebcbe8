/** @jsxImportSource preact */
import { useEffect, useState } from "preact/hooks";
import { fetchOrderSurvey, sleep, type Survey, type TokenSource } from "../../shared/tally-api";
import { SurveyForm } from "../../shared/survey-form";

/** Tally records the order when Shopify's `orders/paid` webhook arrives: ask again meanwhile. */
export const RETRY_DELAYS = [2000, 4000, 8000, 16000];

export type OrderSurveyProps = {
  orderId: string | undefined;
  guest: boolean;
  sessionToken: TokenSource;
  i18n: {
    translate: (key: string, values?: Record<string, string | number>) => string;
    formatNumber: (n: number) => string;
  };
  retryDelays?: number[];
};

/**
 * The survey for one order (thank-you and order status pages): nothing until Tally knows the order
 * (asked again a few times while it answers 202), nothing when no survey asks about it or it is
 * answered already, else the form.
 */
export function OrderSurvey({ orderId, guest, sessionToken, i18n, retryDelays = RETRY_DELAYS }: OrderSurveyProps) {
  const [survey, setSurvey] = useState<Survey | null>(null);

  useEffect(() => {
    if (!orderId) return;
    let stopped = false;
    (async () => {
      for (const delay of [0, ...retryDelays]) {
        if (delay) await sleep(delay);
        if (stopped) return;
        const next = await fetchOrderSurvey(sessionToken, orderId).catch(() => null);
        if (!next) return; // 401, 404, unreachable: show nothing
        if ("status" in next) continue; // Tally has not recorded the order yet
        if (!stopped && next.survey && !next.answer) setSurvey(next.survey);
        return;
      }
    })();
    return () => {
      stopped = true;
    };
  }, [orderId]);

  if (!survey || !orderId) return null;
  return (
    <s-section heading={i18n.translate("survey.heading")}>
      <SurveyForm
        survey={survey}
        orderId={orderId}
        sessionToken={sessionToken}
        translate={i18n.translate}
        num={(n) => i18n.formatNumber(n)}
        guest={guest}
      />
    </s-section>
  );
}
