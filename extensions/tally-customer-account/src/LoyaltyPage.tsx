/** @jsxImportSource preact */
import { useEffect, useState } from "preact/hooks";
import type { Api } from "@shopify/ui-extensions/customer-account.page.render";
import {
  choosePoints,
  claimAction,
  fetchActivity,
  fetchMember,
  openCodes,
  redeemSafely,
  storeCreditChoice,
  storeCreditFor,
  tierFraction,
  type ActivityEntry,
  type ClaimableAction,
  type Member,
  type Reward,
  type StoreCreditAmount,
  type TierProgress,
} from "../../shared/tally-api";
import { NoticeBanner, redeemNotice, type Notice } from "../../shared/notice";
import { perkLines } from "../../shared/perks";
import { Offers } from "./Offers";
import { renderTarget } from "../../shared/target";
import { Challenges } from "./Challenges";
import { Membership } from "./Membership";
import { Giving } from "./Giving";
import { Surveys } from "./Surveys";

// The global Shopify gives this target (customer-account.page.render).
declare const shopify: Api;

export default renderTarget(() => <LoyaltyPage />);

/**
 * The Rewards page of the customer account: balance (pending, expiring next), VIP tier and the
 * way to the next one, the rewards with Redeem, the actions to claim (their link opens in a new tab
 * and the claim is sent), the shopper's unused codes and their activity.
 * Customer accounts are always signed in; Tally takes the customer from the session token.
 */
export function LoyaltyPage() {
  const { i18n } = shopify;
  const t = i18n.translate;
  const num = (n: number) => i18n.formatNumber(n);
  const day = (at: string) => i18n.formatDate(new Date(at), { dateStyle: "medium" });
  // Store credit is in the shop's currency, as decimal text.
  const money = ({ amount, currencyCode }: StoreCreditAmount) =>
    i18n.formatCurrency(Number(amount), { currency: currencyCode });
  // Spending is counted in the shop's currency (Tally says which); points and orders are numbers.
  const tierRemaining = ({ metric, currency, next }: TierProgress) =>
    metric === "amount_spent" && currency ? i18n.formatCurrency(next!.remaining, { currency }) : num(next!.remaining);

  const [member, setMember] = useState<Member | null | "off" | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  const [entries, setEntries] = useState<ActivityEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  // Points the shopper typed for a store credit reward, by reward id (the offer's points until then).
  const [typed, setTyped] = useState<Record<string, number>>({});

  const load = () =>
    fetchMember(shopify.sessionToken).then(
      (m) => (setMember(m), setFailed(false)),
      () => setFailed(true),
    );
  const more = (after: string | null) =>
    fetchActivity(shopify.sessionToken, after).then(
      (page) => (setEntries((seen) => (after ? [...seen, ...page.entries] : page.entries)), setCursor(page.nextCursor)),
      () => undefined,
    );

  useEffect(() => {
    load();
    more(null);
  }, []);

  async function onClaim(action: ClaimableAction) {
    setBusy(`action:${action.key}`);
    setNotice(null);
    const outcome = await claimAction(shopify.sessionToken, action.key);
    setNotice(
      outcome.kind === "claimed"
        ? {
            key: "claimed",
            tone: "success",
            values: { count: outcome.points, points: num(outcome.points), name: action.name },
          }
        : { key: `claim_${outcome.kind}`, tone: outcome.kind === "unknown" ? "critical" : "warning" },
    );
    setBusy(null);
    await Promise.all([load(), more(null)]);
  }

  async function onRedeem(reward: Reward, points: number) {
    setBusy(reward.id);
    setNotice(null);
    const outcome = await redeemSafely(shopify.sessionToken, reward, points);
    if (outcome.kind === "redeemed" && outcome.redemption.status === "active") {
      const { code, expiresAt, storeCredit } = outcome.redemption;
      setNotice(
        storeCredit
          ? { key: "credited", tone: "success", values: { amount: money(storeCredit) } }
          : { key: "redeemed", tone: "success", values: { code: code ?? "", date: day(expiresAt!) } },
      );
    } else setNotice(redeemNotice(outcome, reward, num));
    setBusy(null);
    await Promise.all([load(), more(null)]);
  }

  // A failed refresh keeps what was shown (and any code in the notice) on screen.
  if (member === null || (failed && !member)) {
    return (
      <s-page heading={t("title")}>
        <s-banner tone="warning">{t("loadFailed")}</s-banner>
      </s-page>
    );
  }
  // The program off for shoppers: no points, rewards or codes, only a word on why the page is empty.
  if (member === "off") {
    return (
      <s-page heading={t("title")}>
        <s-text color="subdued">{t("unavailable")}</s-text>
      </s-page>
    );
  }
  if (!member) {
    return (
      <s-page heading={t("title")}>
        <s-skeleton-paragraph />
      </s-page>
    );
  }

  const { balance, pending, expiringNext } = member.points;
  const progress = member.tierProgress;
  const fraction = tierFraction(progress);
  const codes = openCodes(member);
  const actions = member.actions ?? [];

  return (
    <s-page heading={t("title")}>
      <s-stack gap="base">
        {notice && <NoticeBanner notice={notice} translate={t} />}

        <s-section heading={t("balance.heading")}>
          <s-stack gap="small-300">
            <s-heading>{t("points", { count: balance, points: num(balance) })}</s-heading>
            {pending > 0 && <s-text color="subdued">{t("balance.pending", { points: num(pending) })}</s-text>}
            {member.storeCredit && member.storeCredit.fromPoints > 0 && (
              <s-text>
                {t("balance.storeCredit", {
                  count: member.storeCredit.fromPoints,
                  amount: money(member.storeCredit),
                  points: num(member.storeCredit.fromPoints),
                })}
              </s-text>
            )}
            {expiringNext && (
              <s-text color="subdued">
                {t("balance.expiring", {
                  count: expiringNext.points,
                  points: num(expiringNext.points),
                  date: day(expiringNext.at),
                })}
              </s-text>
            )}
          </s-stack>
        </s-section>

        <Offers member={member} sessionToken={shopify.sessionToken} translate={t} num={num} day={day} />

        <Membership member={member} />

        <Giving member={member} onGiven={load} />

        {progress && (
          <s-section heading={t("tier.heading")}>
            <s-stack gap="small-300">
              <s-text>{member.tier ? t("tier.current", { name: member.tier.name }) : t("tier.none")}</s-text>
              {perkLines(member, i18n).map((line) => (
                <s-text key={line}>{line}</s-text>
              ))}
              {progress.next ? (
                <>
                  <s-progress
                    value={fraction ?? 0}
                    max={1}
                    accessibilityLabel={t("tier.progress", { name: progress.next.name })}
                  />
                  <s-text color="subdued">
                    {t(`tier.${progress.metric}`, {
                      count: progress.next.remaining,
                      remaining: tierRemaining(progress),
                      name: progress.next.name,
                    })}
                  </s-text>
                </>
              ) : (
                <s-text color="subdued">{t("tier.top")}</s-text>
              )}
            </s-stack>
          </s-section>
        )}

        <s-section heading={t("rewards.heading")}>
          <s-stack gap="small-300">
            {member.rewards.length === 0 && <s-text color="subdued">{t("rewards.none")}</s-text>}
            {member.rewards.map((reward) => {
              // Store credit: the shopper chooses how many points to convert, in whole steps.
              const choice = reward.available ? storeCreditChoice(reward, balance) : null;
              const points = choice ? choosePoints(choice, typed[reward.id] ?? choice.max) : reward.pointsCost;
              const credit = storeCreditFor(reward, points);
              return (
                <s-stack key={reward.id} direction="inline" justifyContent="space-between" alignItems="center">
                  <s-stack gap="none">
                    <s-text type="strong">{reward.name}</s-text>
                    <s-text color="subdued">
                      {credit
                        ? t("rewards.storeCredit", { count: points, points: num(points), amount: money(credit) })
                        : t("rewards.cost", { count: reward.pointsCost, points: num(reward.pointsCost) })}
                    </s-text>
                    {choice && choice.max > choice.min && (
                      <s-number-field
                        label={t("rewards.pointsToConvert")}
                        value={String(points)}
                        min={choice.min}
                        max={choice.max}
                        step={choice.step}
                        onChange={(event) =>
                          // The field element carries its value, as an input does.
                          setTyped({ ...typed, [reward.id]: Number((event.currentTarget as HTMLInputElement).value) })
                        }
                      />
                    )}
                  </s-stack>
                  {reward.available ? (
                    <s-button
                      variant="secondary"
                      loading={busy === reward.id}
                      disabled={busy !== null}
                      onClick={() => onRedeem(reward, points)}
                    >
                      {t("rewards.redeem")}
                    </s-button>
                  ) : (
                    <s-badge>
                      {reward.pointsCost > balance
                        ? t("rewards.missing", {
                            count: reward.pointsCost - balance,
                            missing: num(reward.pointsCost - balance),
                          })
                        : t(
                            reward.reason === "store_credit_disabled"
                              ? "rewards.storeCreditOff"
                              : "rewards.notAvailable",
                          )}
                    </s-badge>
                  )}
                </s-stack>
              );
            })}
          </s-stack>
        </s-section>

        {actions.length > 0 && (
          <s-section heading={t("actions.heading")}>
            <s-stack gap="small-300">
              {actions.map((action) => (
                <s-stack key={action.key} direction="inline" justifyContent="space-between" alignItems="center">
                  <s-stack gap="none">
                    <s-text type="strong">{action.name}</s-text>
                    <s-text color="subdued">
                      {t(action.status === "claimed" ? "actions.claimed" : "actions.earn", {
                        count: action.points,
                        points: num(action.points),
                      })}
                    </s-text>
                  </s-stack>
                  {action.status === "open" ? (
                    // The link opens in a new tab; the click sends the claim.
                    <s-button
                      variant="secondary"
                      href={action.url}
                      target="_blank"
                      loading={busy === `action:${action.key}`}
                      disabled={busy !== null}
                      onClick={() => onClaim(action)}
                    >
                      {t("actions.open")}
                    </s-button>
                  ) : action.status === "limit_reached" ? (
                    <s-badge>{t("actions.limitReached")}</s-badge>
                  ) : null}
                </s-stack>
              ))}
            </s-stack>
          </s-section>
        )}

        <Surveys
          sessionToken={shopify.sessionToken}
          translate={t}
          num={num}
          day={day}
          onAnswered={() => Promise.all([load(), more(null)])}
        />

        <Challenges member={member} onChange={load} />

        {codes.length > 0 && (
          <s-section heading={t("codes.heading")}>
            <s-stack gap="small-300">
              {codes.map((redemption) => (
                <s-stack key={redemption.id} direction="inline" justifyContent="space-between" alignItems="center">
                  <s-stack gap="none">
                    <s-text type="strong">{redemption.code ?? "…"}</s-text>
                    <s-text color="subdued">
                      {redemption.status === "active"
                        ? t("codes.until", { date: day(redemption.expiresAt!) })
                        : t("codes.preparing")}
                    </s-text>
                  </s-stack>
                  {redemption.status === "active" && redemption.code && (
                    <>
                      <s-clipboard-item
                        id={`code-${redemption.id}`}
                        text={redemption.code}
                        onCopy={() => shopify.toast.show(t("codes.copied"))}
                      />
                      <s-button variant="secondary" command="--copy" commandFor={`code-${redemption.id}`}>
                        {t("codes.copy")}
                      </s-button>
                    </>
                  )}
                </s-stack>
              ))}
            </s-stack>
          </s-section>
        )}

        <s-section heading={t("activity.heading")}>
          <s-stack gap="small-300">
            {entries.length === 0 && <s-text color="subdued">{t("activity.none")}</s-text>}
            {entries.map((entry) => (
              <s-stack key={entry.id} direction="inline" justifyContent="space-between" alignItems="center">
                <s-stack gap="none">
                  <s-text>{entry.description}</s-text>
                  <s-text color="subdued">{day(entry.at)}</s-text>
                </s-stack>
                <s-stack direction="inline" gap="small-300" alignItems="center">
                  {entry.pending && <s-badge>{t("activity.pending")}</s-badge>}
                  <s-text type="strong">{entry.points > 0 ? `+${num(entry.points)}` : num(entry.points)}</s-text>
                </s-stack>
              </s-stack>
            ))}
            {cursor && (
              <s-button variant="secondary" onClick={() => more(cursor)}>
                {t("activity.more")}
              </s-button>
            )}
          </s-stack>
        </s-section>
      </s-stack>
    </s-page>
  );
}
