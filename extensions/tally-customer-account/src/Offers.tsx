/** @jsxImportSource preact */
import { useEffect } from "preact/hooks";
import { markSurpriseSeen, type Member, type TokenSource } from "../../shared/tally-api";

type Translate = (key: string, values?: Record<string, string | number>) => string;

/**
 * "Just for you" on the Rewards page: a running win-back offer ("2× points on your orders until
 * Dec 14, 2026"), a campaign's surprise (shown once: it is marked seen as soon as it is on screen)
 * and the next best reward ("120 points to 10 off"). Nothing when there is none of them.
 */
export function Offers({
  member,
  sessionToken,
  translate: t,
  num,
  day,
}: {
  member: Member;
  sessionToken: TokenSource;
  translate: Translate;
  num: (n: number) => string;
  day: (at: string) => string;
}) {
  const winBack = member.offers?.winBack ?? null;
  const next = member.offers?.nextReward ?? null;
  const surprise = member.surprise ?? null;
  useEffect(() => {
    if (surprise) void markSurpriseSeen(sessionToken, surprise.id);
  }, [surprise?.id]);
  if (!winBack && !next && !surprise) return null;
  const points = (n: number) => t("points", { count: n, points: num(n) });
  return (
    <s-section heading={t("offers.heading")}>
      <s-stack gap="small-300">
        {winBack && (
          <s-text type="strong">
            {t("offers.winBack", { multiplier: num(winBack.multiplier), date: day(winBack.endsAt) })}
          </s-text>
        )}
        {surprise && (
          <s-text>
            {t("offers.surprise", {
              gift: surprise.points > 0 ? points(surprise.points) : (surprise.rewardName ?? ""),
              message: surprise.message,
            })}
          </s-text>
        )}
        {next && (
          <s-text color="subdued">{t("offers.nextReward", { points: points(next.remaining), name: next.name })}</s-text>
        )}
      </s-stack>
    </s-section>
  );
}
