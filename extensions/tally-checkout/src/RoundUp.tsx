/** @jsxImportSource preact */
import { useEffect, useState } from "preact/hooks";
import type { Api } from "@shopify/ui-extensions/purchase.checkout.block.render";
import { minorUnitsPerUnit, roundUpAmount, type RoundUpRule } from "../../shared/round-up";
import { renderTarget } from "../../shared/target";

// The global Shopify gives this target (purchase.checkout.block.render).
declare const shopify: Api;

export default renderTarget(() => <RoundUp />);

/** Giving as the theme's copy of the program gives it (`storefrontProgram`'s `giving`, the shop metafield tally.program). */
interface StorefrontGiving {
  defaultCauseId: string | null;
  causes: {
    id: string;
    name: string;
    translations: Partial<Record<string, { name: string }>>;
    startsAt: number | null;
    endsAt: number | null;
  }[];
  roundUp: false | { rule: RoundUpRule; fixedAmounts: number[]; variantId: string; currencyCode: string | null };
}

/** The shop metafield `tally.program` the extension declares (shopify.extension.toml), parsed; null without one. */
function storefrontGiving(): StorefrontGiving | null {
  const entry = shopify.appMetafields.value.find(
    ({ target, metafield }) => target.type === "shop" && metafield.namespace === "tally" && metafield.key === "program",
  );
  try {
    const program = entry
      ? (JSON.parse(entry.metafield.value) as { enabled?: boolean; giving?: StorefrontGiving })
      : null;
    return program && program.enabled !== false && program.giving ? program.giving : null;
  } catch {
    return null;
  }
}

/** The cause a round-up goes to now: the default while it runs, else the first running one. */
function runningCause(giving: StorefrontGiving, now: number) {
  const running = giving.causes.filter(
    (cause) => (cause.startsAt === null || cause.startsAt <= now) && (cause.endsAt === null || cause.endsAt > now),
  );
  return running.find((cause) => cause.id === giving.defaultCauseId) ?? running[0] ?? null;
}

/**
 * "Round up €0.73 for Ocean Cleanup" on Plus checkouts (docs/giving.md#where-shoppers-give): the
 * donation variant (one minor unit of the shop's currency) in the quantity of the round-up, with
 * the cause in the line's `_tally_cause` attribute; kept in step as the checkout's lines change,
 * removed when unticked. Only where this checkout lets lines be added, and in the shop's currency.
 */
export function RoundUp() {
  const { i18n } = shopify;
  const t = i18n.translate;
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);

  const giving = storefrontGiving();
  const roundUp = giving ? giving.roundUp : false;
  const cause = giving && runningCause(giving, Date.now() / 1000);
  const currency = shopify.localization.currency.value.isoCode;
  const unit = minorUnitsPerUnit(currency);
  const variant = roundUp ? `gid://shopify/ProductVariant/${roundUp.variantId}` : "";
  const lines = shopify.lines.value;
  const line = lines.find((l) => l.merchandise.id === variant);
  const others = lines.filter((l) => l !== line);
  // The donation never rounds itself, so keeping it in step cannot loop.
  const subtotal = others.reduce((sum, l) => sum + Math.round(l.cost.totalAmount.amount * unit), 0);
  const wanted = roundUp && roundUp.rule !== "fixed" ? roundUpAmount(roundUp.rule, subtotal, unit) : 0;
  const { canAddCartLine, canUpdateCartLine, canRemoveCartLine } = shopify.instructions.value.lines;
  const offered = roundUp && cause && roundUp.currencyCode === currency && canAddCartLine && others.length > 0;

  async function change(quantity: number) {
    setBusy(true);
    setFailed(false);
    const result = await shopify
      .applyCartLinesChange(
        !line
          ? {
              type: "addCartLine",
              merchandiseId: variant,
              quantity,
              attributes: [{ key: "_tally_cause", value: cause!.id }],
            }
          : quantity
            ? { type: "updateCartLine", id: line.id, quantity }
            : { type: "removeCartLine", id: line.id, quantity: line.quantity },
      )
      .catch(() => ({ type: "error" as const }));
    setBusy(false);
    setFailed(result.type !== "success");
  }

  // The checkout's lines changed: the round-up follows (a fixed amount stays); alone, it goes. Not
  // after a refusal: the shopper's next change tries again, never a loop of retries.
  const follow =
    !line || busy || failed ? null : !others.length ? 0 : wanted && line.quantity !== wanted ? wanted : null;
  useEffect(() => {
    if (follow === null) return;
    if (follow ? canUpdateCartLine : canRemoveCartLine) change(follow);
  }, [follow]);

  if (!offered) return null;
  const name = cause.translations[shopify.localization.language.value.isoCode]?.name ?? cause.name;
  const money = (minor: number) => i18n.formatCurrency(minor / unit, { currency });
  return (
    <s-stack gap="small-200">
      {roundUp.rule === "fixed" ? (
        roundUp.fixedAmounts.map((units) => (
          <s-checkbox
            key={units}
            label={t("roundUp.give", { amount: money(units * unit), cause: name })}
            checked={line?.quantity === units * unit}
            disabled={busy}
            onChange={() => change(line?.quantity === units * unit ? 0 : units * unit)}
          />
        ))
      ) : (
        <s-checkbox
          label={t("roundUp.label", { amount: money(line ? line.quantity : wanted), cause: name })}
          checked={!!line}
          disabled={busy}
          onChange={() => change(line ? 0 : wanted)}
        />
      )}
      {failed && <s-text color="subdued">{t("roundUp.failed")}</s-text>}
    </s-stack>
  );
}
