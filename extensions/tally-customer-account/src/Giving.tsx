/** @jsxImportSource preact */
import { useState } from "preact/hooks";
import type { Api } from "@shopify/ui-extensions/customer-account.page.render";
import { minorUnitsPerUnit } from "../../shared/round-up";
import { choosePoints, donatePoints, newIdempotencyKey, type Member } from "../../shared/tally-api";

declare const shopify: Api;

type Said = { tone: "success" | "critical"; text: string };

/**
 * Giving back on the Rewards page (docs/giving.md#where-shoppers-give): what the member gave this
 * year ("You gave €12.40 this year") and, with points giving on, "Give points": a cause, points in
 * whole steps with their money value, sent with an Idempotency-Key kept until Tally answers for sure
 * (a retry after a network failure gives once). Nothing while giving is off.
 */
export function Giving({ member, onGiven }: { member: Member; onGiven: () => unknown }) {
  const { i18n } = shopify;
  const t = i18n.translate;
  const num = (n: number) => i18n.formatNumber(n);
  const points = (n: number) => t("points", { count: n, points: num(n) });
  const money = (minor: number, currency: string) =>
    i18n.formatCurrency(minor / minorUnitsPerUnit(currency), { currency });

  const given = member.giving ?? null;
  const offer = member.program.giving ?? null;
  const causes = offer?.causes ?? [];
  const [causeId, setCauseId] = useState(causes.find((c) => c.id === offer?.defaultCauseId)?.id ?? causes[0]?.id ?? "");
  const [typed, setTyped] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<Said | null>(null);
  // Kept for retries of the same gift until Tally answers for sure.
  const [key, setKey] = useState<string | null>(null);

  if (!given && !offer) return null;
  const currency = given?.currencyCode ?? null;
  const { step, pointsPerUnit } = offer?.points ?? { step: 1, pointsPerUnit: 1 };
  const balance = member.points.balance;
  const choice = { min: step, max: balance - (balance % step), step };
  const canGive = !!offer?.points.enabled && causes.length > 0 && choice.max >= step;
  const chosen = choosePoints(choice, typed ?? step);
  // Points' worth in minor units of the shop's currency (display only: Tally says the exact value).
  const worth = (n: number) =>
    currency ? money(Math.round((n / pointsPerUnit) * minorUnitsPerUnit(currency)), currency) : "";
  if (!canGive && !(given && (given.givenCents > 0 || given.pointsGiven > 0))) return null;

  async function give() {
    const cause = causes.find((c) => c.id === causeId);
    if (!cause) return;
    const attempt = key ?? newIdempotencyKey();
    setKey(attempt);
    setBusy(true);
    setSaid(null);
    const outcome = await donatePoints(shopify.sessionToken, cause.id, chosen, attempt);
    setBusy(false);
    if (outcome.kind === "unknown") return setSaid({ tone: "critical", text: t("giving.failed.unknown") });
    setKey(null);
    if (outcome.kind === "given") {
      setSaid({
        tone: "success",
        text: t("giving.thanks", {
          points: points(outcome.points),
          amount: money(outcome.valueCents, outcome.currencyCode),
          cause: cause.name,
        }),
      });
      setTyped(null);
      return onGiven();
    }
    if (outcome.kind === "insufficient_points")
      return setSaid({
        tone: "critical",
        text: t("giving.failed.insufficient_points", {
          needed: points(outcome.pointsNeeded),
          balance: points(outcome.balance),
        }),
      });
    setSaid({
      tone: "critical",
      text: t(`giving.failed.${outcome.kind}`, { step: points(step) }),
    });
  }

  return (
    <s-section heading={t("giving.heading")}>
      <s-stack gap="base">
        {given && given.givenCents > 0 && (
          <s-text>{t("giving.given", { amount: money(given.givenCents, given.currencyCode) })}</s-text>
        )}
        {given && given.pointsGiven > 0 && (
          <s-text>{t("giving.pointsGiven", { points: points(given.pointsGiven) })}</s-text>
        )}
        {said && <s-banner tone={said.tone}>{said.text}</s-banner>}
        {canGive && (
          <s-stack gap="small-300">
            {causes.length > 1 ? (
              <s-select
                label={t("giving.cause")}
                value={causeId}
                onChange={(event) => setCauseId((event.currentTarget as HTMLSelectElement).value)}
              >
                {causes.map((cause) => (
                  <s-option key={cause.id} value={cause.id}>
                    {cause.name}
                  </s-option>
                ))}
              </s-select>
            ) : (
              <s-text type="strong">{causes[0]!.name}</s-text>
            )}
            {causes.find((c) => c.id === causeId)?.description && (
              <s-text color="subdued">{causes.find((c) => c.id === causeId)!.description}</s-text>
            )}
            <s-number-field
              label={t("giving.points")}
              value={String(chosen)}
              min={choice.min}
              max={choice.max}
              step={step}
              onChange={(event) => setTyped(Number((event.currentTarget as HTMLInputElement).value))}
            />
            {currency && (
              <s-text color="subdued">{t("giving.worth", { points: points(chosen), amount: worth(chosen) })}</s-text>
            )}
            <s-button variant="secondary" loading={busy} disabled={busy} onClick={give}>
              {t("giving.give", { points: points(chosen) })}
            </s-button>
          </s-stack>
        )}
      </s-stack>
    </s-section>
  );
}
