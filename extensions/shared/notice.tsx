/** @jsxImportSource preact */
import "@shopify/ui-extensions/preact";
import type { RedeemOutcome, Reward } from "./tally-api";

/** A message above the extension's content: a key under `notice` in its locale file, and a tone. */
export type Notice = {
  key: string;
  tone: "success" | "info" | "warning" | "critical";
  values?: Record<string, string | number>;
};

type Translate = (key: string, values?: Record<string, string | number>) => string;

export function NoticeBanner({ notice, translate }: { notice: Notice; translate: Translate }) {
  return <s-banner tone={notice.tone}>{translate(`notice.${notice.key}`, notice.values)}</s-banner>;
}

/**
 * What the shopper is told after Redeem, unless the redemption is active: each extension says
 * itself what it does with a code ready to use (checkout applies it, the account shows it).
 */
export function redeemNotice(outcome: RedeemOutcome, reward: Reward, formatPoints: (n: number) => string): Notice {
  switch (outcome.kind) {
    case "redeemed":
      return outcome.redemption.status === "failed"
        ? { key: "refunded", tone: "warning" }
        : { key: "codeLater", tone: "info", values: { code: outcome.redemption.code ?? "" } };
    case "insufficient_points":
      return {
        key: "insufficient",
        tone: "warning",
        values: {
          // "needs 1 point" / "needs 200 points", in the shopper's language.
          count: outcome.pointsNeeded,
          name: reward.name,
          needed: formatPoints(outcome.pointsNeeded),
          balance: formatPoints(outcome.balance),
        },
      };
    default:
      return { key: outcome.kind, tone: outcome.kind === "unknown" ? "critical" : "warning" };
  }
}
