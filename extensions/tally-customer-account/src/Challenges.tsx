/** @jsxImportSource preact */
import { useState } from "preact/hooks";
import type { Api } from "@shopify/ui-extensions/customer-account.page.render";
import { chooseLeaderboard, type Challenge, type Member } from "../../shared/tally-api";

declare const shopify: Api;

/** The built-in badge icons drawn with the customer account's own icons (no markup of ours here). */
const ICONS: Record<string, string> = {
  star: "star-filled",
  trophy: "check-circle-filled",
  crown: "star",
  medal: "check-circle",
  flame: "clock",
  heart: "star-half",
  gift: "gift-card",
  rocket: "arrow-up",
  leaf: "globe",
  diamond: "discount",
  comeback: "reset",
  sparkles: "star-half",
};
type IconType = "star-filled";
const icon = (badge: string | null) => (ICONS[badge ?? ""] ?? "star-filled") as IconType;

/**
 * Challenges with their progress bars, the badges earned and next, and the month's leaderboard
 * with the shopper's choice to join (under a nickname) or leave. Nothing when the program has none.
 */
export function Challenges({ member, onChange }: { member: Member; onChange: () => Promise<unknown> }) {
  const t = shopify.i18n.translate;
  const num = (n: number) => shopify.i18n.formatNumber(n);
  const [nickname, setNickname] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const challenges = member.challenges ?? [];
  const badges = member.badges ?? { earned: [], next: [] };
  const board = member.leaderboard ?? null;

  const progressText = (c: Challenge) => {
    if (c.completed && c.progress.current >= c.progress.target) return t("challenges.completed");
    const { current, target, unit } = c.progress;
    const text = t(`challenges.progress.${unit}`, { count: target, current: num(current), target: num(target) });
    return c.daysLeft === null
      ? text
      : `${text} — ${t("challenges.daysLeft", { count: c.daysLeft, days: num(c.daysLeft) })}`;
  };
  const rewardText = (c: Challenge) =>
    !c.reward
      ? null
      : c.reward.type === "points"
        ? t("challenges.rewardPoints", { count: c.reward.points, points: num(c.reward.points) })
        : t("challenges.rewardReward", { name: c.reward.name });

  async function choose(optIn: boolean) {
    setBusy(true);
    setError(null);
    const outcome = await chooseLeaderboard(shopify.sessionToken, {
      optIn,
      ...(optIn && nickname.trim() ? { nickname: nickname.trim() } : {}),
    });
    if (outcome.kind === "invalid_nickname") setError(outcome.message || t("leaderboard.invalidNickname"));
    else if (outcome.kind !== "saved") setError(t("leaderboard.failed"));
    setBusy(false);
    if (outcome.kind === "saved") await onChange();
  }

  if (!challenges.length && !badges.earned.length && !badges.next.length && !board) return null;
  return (
    <>
      {challenges.length > 0 && (
        <s-section heading={t("challenges.heading")}>
          <s-stack gap="small-300">
            {challenges.map((c) => (
              <s-stack key={c.id} direction="inline" gap="small-300" alignItems="center">
                <s-icon type={icon(c.badge)} />
                <s-stack gap="none">
                  <s-text type="strong">{c.name}</s-text>
                  {c.description && <s-text color="subdued">{c.description}</s-text>}
                  <s-progress
                    value={Math.min(c.progress.current, c.progress.target) / c.progress.target}
                    max={1}
                    accessibilityLabel={c.name}
                  />
                  <s-text color="subdued">
                    {progressText(c)}
                    {rewardText(c) ? ` · ${rewardText(c)}` : ""}
                  </s-text>
                </s-stack>
              </s-stack>
            ))}
          </s-stack>
        </s-section>
      )}

      {(badges.earned.length > 0 || badges.next.length > 0) && (
        <s-section heading={t("badges.heading")}>
          <s-stack gap="small-300">
            {badges.earned.map((badge) => (
              <s-stack key={badge.id} direction="inline" gap="small-300" alignItems="center">
                <s-icon type={icon(badge.icon)} />
                <s-text type="strong">{badge.name}</s-text>
              </s-stack>
            ))}
            {badges.next.map((badge) => (
              <s-stack key={badge.id} direction="inline" gap="small-300" alignItems="center">
                <s-icon type={icon(badge.icon)} tone="neutral" />
                <s-stack gap="none">
                  <s-text color="subdued">{badge.name}</s-text>
                  <s-progress value={badge.current / badge.target} max={1} accessibilityLabel={badge.name} />
                  <s-text color="subdued">
                    {t("badges.next", { current: num(badge.current), target: num(badge.target) })}
                  </s-text>
                </s-stack>
              </s-stack>
            ))}
          </s-stack>
        </s-section>
      )}

      {board && (
        <s-section heading={t("leaderboard.heading")}>
          <s-stack gap="small-300">
            {board.top.length === 0 && <s-text color="subdued">{t("leaderboard.empty")}</s-text>}
            {board.top.map((row) => (
              <s-stack key={row.rank + ":" + (row.name ?? "")} direction="inline" justifyContent="space-between">
                <s-text type={row.you ? "strong" : undefined}>
                  {`#${row.rank} ${row.name ?? t("leaderboard.anonymous")}${row.you ? ` (${t("leaderboard.you")})` : ""}`}
                </s-text>
                <s-text color="subdued">{t("points", { count: row.points, points: num(row.points) })}</s-text>
              </s-stack>
            ))}
            {board.you && (
              <s-text>
                {t("leaderboard.yourRank", {
                  rank: num(board.you.rank),
                  points: t("points", { count: board.you.points, points: num(board.you.points) }),
                })}
              </s-text>
            )}
            {error && <s-banner tone="warning">{error}</s-banner>}
            {board.optedIn ? (
              <s-button variant="secondary" loading={busy} disabled={busy} onClick={() => choose(false)}>
                {t("leaderboard.leave")}
              </s-button>
            ) : (
              <>
                <s-text-field
                  label={t("leaderboard.nickname")}
                  value={nickname}
                  maxLength={20}
                  onInput={(event) => setNickname((event.currentTarget as HTMLInputElement).value)}
                />
                <s-button variant="secondary" loading={busy} disabled={busy} onClick={() => choose(true)}>
                  {t("leaderboard.join")}
                </s-button>
              </>
            )}
          </s-stack>
        </s-section>
      )}
    </>
  );
}
