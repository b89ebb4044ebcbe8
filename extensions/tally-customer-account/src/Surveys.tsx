/** @jsxImportSource preact */
import { useEffect, useState } from "preact/hooks";
import { fetchPendingSurveys, type PendingSurvey, type TokenSource } from "../../shared/tally-api";
import { SurveyForm } from "../../shared/survey-form";

type Translate = (key: string, values?: Record<string, string | number>) => string;

/**
 * "Tell us about your recent orders" on the Rewards page: the recent orders a survey asks about
 * and the shopper has not answered (at most 3), each answerable here with the same form as the
 * thank-you page. An answered one says thanks until the page is loaded again; nothing when there
 * is none (or Tally cannot say).
 */
export function Surveys({
  sessionToken,
  translate: t,
  num,
  day,
  onAnswered,
}: {
  sessionToken: TokenSource;
  translate: Translate;
  num: (n: number) => string;
  day: (at: string) => string;
  /** The balance changed: the page reloads the member. */
  onAnswered: () => unknown;
}) {
  const [pending, setPending] = useState<PendingSurvey[]>([]);
  useEffect(() => {
    fetchPendingSurveys(sessionToken).then(setPending, () => undefined);
  }, []);
  if (pending.length === 0) return null;
  return (
    <s-section heading={t("survey.recent.heading")}>
      <s-stack gap="large">
        {pending.map((item) => (
          <s-stack key={item.orderId} gap="small-300">
            <s-text type="strong">
              {t("survey.recent.order", { name: item.orderName, date: day(item.placedAt) })}
            </s-text>
            <SurveyForm
              survey={item.survey}
              orderId={item.orderId}
              sessionToken={sessionToken}
              translate={t}
              num={num}
              guest={false}
              onAnswered={() => onAnswered()}
            />
          </s-stack>
        ))}
      </s-stack>
    </s-section>
  );
}
