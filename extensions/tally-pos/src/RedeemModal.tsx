/** @jsxImportSource preact */
import { useEffect, useState } from "preact/hooks";
import type { Api } from "@shopify/ui-extensions/pos.home.modal.render";
import { affordableRewards, choosePoints, openCodes, storeCreditChoice, type Reward } from "../../shared/tally-api";
import { renderTarget } from "../../shared/target";
import { pointsText, problemKey, type Loaded } from "./format";
import {
  fetchPosMember,
  redeemAtPos,
  reverseAtPos,
  settlePosRedemption,
  type PosMember,
  type PosRedemption,
} from "./pos-api";

// The global Shopify gives this target (pos.home.modal.render).
declare const shopify: Api;

export default renderTarget(() => <RedeemModal />);

type Notice = { key: string; tone: "success" | "info" | "warning" | "critical"; values?: Record<string, string> };

/** The redemption just made: staff may undo it until `reversibleUntil` if the sale is abandoned. */
type LastRedemption = { redemption: PosRedemption; reversibleUntil: string; inCart: boolean };

/** Rewards whose points the staff member chooses (in steps the server checks). */
const choosesPoints = (reward: Reward) => reward.type === "variable" || reward.type === "store_credit";

/**
 * Opened from the home tile: the cart customer's points and the rewards they can afford. Redeem
 * spends the points and applies the code to the POS cart — or, for store credit, says how much
 * is now on the customer's account — and offers Undo while the sale may still be abandoned.
 */
export function RedeemModal() {
  const { i18n } = shopify;
  const customerId = shopify.cart.current.value.customer?.id ?? null;
  const [member, setMember] = useState<Loaded<PosMember>>({ status: "loading" });
  const [notice, setNotice] = useState<Notice | null>(null);
  const [last, setLast] = useState<LastRedemption | null>(null);
  const [busy, setBusy] = useState(false);
  const [chosenPoints, setChosenPoints] = useState<Record<string, string>>({});

  const load = (id: number) =>
    fetchPosMember(shopify.session, id, shopify.locale.current.value).then(
      (value) => setMember({ status: "ready", value }),
      (error) => setMember({ status: "problem", key: problemKey(error) }),
    );

  useEffect(() => {
    if (customerId !== null) load(customerId);
  }, [customerId]);

  if (customerId === null)
    return (
      <s-page heading={i18n.translate("redeem.heading")}>
        <s-banner tone="info">{i18n.translate("redeem.noCustomer")}</s-banner>
      </s-page>
    );

  const redeem = async (reward: Reward) => {
    setBusy(true);
    setNotice(null);
    const typed = Number(chosenPoints[reward.id] ?? reward.pointsCost);
    // Store credit converts whole steps within its offer (POS's number field has no step).
    const choice = member.status === "ready" ? storeCreditChoice(reward, member.value.points.balance) : null;
    const points = choice ? choosePoints(choice, typed) : choosesPoints(reward) ? typed : undefined;
    const outcome = await redeemAtPos(shopify.session, customerId, reward.id, points).catch(() => ({
      kind: "refused" as const,
      error: "no_access",
    }));
    if (outcome.kind === "redeemed") {
      const redemption = await settlePosRedemption(
        shopify.session,
        customerId,
        outcome.redemption,
        shopify.locale.current.value,
      );
      const delivered = await deliver(redemption);
      setNotice(delivered.notice);
      if (redemption.status !== "failed")
        setLast({ redemption, reversibleUntil: outcome.reversibleUntil, inCart: delivered.inCart });
    } else if (outcome.kind === "insufficient_points") {
      setNotice({
        key: "redeem.insufficient",
        tone: "warning",
        values: { needed: pointsText(i18n, outcome.pointsNeeded), balance: pointsText(i18n, outcome.balance) },
      });
    } else {
      setNotice({ key: outcome.kind === "unknown" ? "redeem.unknown" : "redeem.refused", tone: "critical" });
    }
    await load(customerId);
    setBusy(false);
  };

  /** A code goes on the cart; store credit is already the customer's; a code still in the making is said so. */
  const deliver = async (redemption: PosRedemption): Promise<{ notice: Notice; inCart: boolean }> => {
    if (redemption.status === "failed") return { notice: { key: "redeem.refunded", tone: "warning" }, inCart: false };
    if (redemption.storeCredit) {
      const { amount, currencyCode } = redemption.storeCredit;
      const money = i18n.formatCurrency(Number(amount), { currency: currencyCode });
      return { notice: { key: "redeem.storeCredit", tone: "success", values: { amount: money } }, inCart: false };
    }
    if (redemption.status !== "active" || !redemption.code)
      return { notice: { key: "redeem.preparing", tone: "info" }, inCart: false };
    const values = { code: redemption.code };
    try {
      await shopify.cart.addCartCodeDiscount(redemption.code);
      return { notice: { key: "redeem.applied", tone: "success", values }, inCart: true };
    } catch {
      return { notice: { key: "redeem.notApplied", tone: "warning", values }, inCart: false };
    }
  };

  /** A code the customer already holds (redeemed online, or earlier at the counter) goes on this cart. */
  const applyCode = async (code: string) => {
    const values = { code };
    try {
      await shopify.cart.addCartCodeDiscount(code);
      setNotice({ key: "redeem.applied", tone: "success", values });
    } catch {
      setNotice({ key: "redeem.notApplied", tone: "warning", values });
    }
  };

  const undo = async (done: LastRedemption) => {
    setBusy(true);
    const outcome = await reverseAtPos(shopify.session, done.redemption.id).catch(() => ({
      kind: "refused" as const,
      error: "unknown",
    }));
    if (outcome.kind === "reversed") {
      if (done.inCart) await shopify.cart.removeCartDiscount().catch(() => undefined);
      setLast(null);
      setNotice({
        key: "redeem.undone",
        tone: "success",
        values: { points: pointsText(i18n, outcome.pointsReturned) },
      });
      await load(customerId);
    } else {
      const reason = ["used", "window_passed", "shopify_unavailable"].includes(outcome.error)
        ? outcome.error
        : "generic";
      setNotice({ key: `redeem.undoRefused.${reason}`, tone: "warning" });
    }
    setBusy(false);
  };

  const undoable = last && !last.redemption.storeCredit && Date.parse(last.reversibleUntil) > Date.now() ? last : null;
  return (
    <s-page heading={i18n.translate("redeem.heading")}>
      <s-scroll-box>
        <s-stack direction="block" gap="small">
          {notice ? <s-banner tone={notice.tone}>{i18n.translate(notice.key, notice.values)}</s-banner> : null}
          {undoable ? (
            <s-section>
              <s-stack direction="inline" justifyContent="space-between" alignItems="center">
                <s-text color="subdued">
                  {i18n.translate("redeem.undoUntil", {
                    time: i18n.formatDate(new Date(undoable.reversibleUntil), { timeStyle: "short" }),
                  })}
                </s-text>
                <s-button tone="critical" disabled={busy} onClick={() => undo(undoable)}>
                  {i18n.translate("redeem.undo")}
                </s-button>
              </s-stack>
            </s-section>
          ) : null}
          {member.status === "problem" ? <s-banner tone="critical">{i18n.translate(member.key)}</s-banner> : null}
          {member.status === "ready" ? (
            <Rewards
              member={member.value}
              busy={busy}
              chosenPoints={chosenPoints}
              choose={(rewardId, points) => setChosenPoints({ ...chosenPoints, [rewardId]: points })}
              redeem={redeem}
            />
          ) : null}
          {member.status === "ready" ? (
            <Codes member={member.value} apply={applyCode} shown={last?.redemption.id} />
          ) : null}
        </s-stack>
      </s-scroll-box>
    </s-page>
  );
}

function Rewards(props: {
  member: PosMember;
  busy: boolean;
  chosenPoints: Record<string, string>;
  choose: (rewardId: string, points: string) => void;
  redeem: (reward: Reward) => void;
}) {
  const { i18n } = shopify;
  const { member } = props;
  if (!member.program.enabled) return <s-text>{i18n.translate("off")}</s-text>;
  const rewards = affordableRewards(member);
  return (
    <s-section>
      <s-stack direction="block" gap="small">
        <s-text type="strong">
          {i18n.translate("redeem.balance", { points: pointsText(i18n, member.points.balance) })}
        </s-text>
        {rewards.length === 0 ? <s-text>{i18n.translate("redeem.none")}</s-text> : null}
        {rewards.map((reward) => (
          <s-stack key={reward.id} direction="inline" justifyContent="space-between" alignItems="center">
            <s-text>
              {reward.name} · {pointsText(i18n, reward.pointsCost)}
            </s-text>
            {choosesPoints(reward) ? (
              <s-number-field
                label={i18n.translate("redeem.pointsLabel")}
                value={props.chosenPoints[reward.id] ?? String(reward.pointsCost)}
                min={reward.storeCredit?.minPoints ?? reward.pointsCost}
                max={storeCreditChoice(reward, member.points.balance)?.max ?? member.points.balance}
                onInput={(event) => props.choose(reward.id, String(event.currentTarget.value ?? ""))}
              />
            ) : null}
            <s-button variant="primary" disabled={props.busy} onClick={() => props.redeem(reward)}>
              {i18n.translate("redeem.redeem")}
            </s-button>
          </s-stack>
        ))}
      </s-stack>
    </s-section>
  );
}

/** The customer's codes still to use (but the one just redeemed): staff put one on the cart instead of redeeming again. */
function Codes(props: { member: PosMember; apply: (code: string) => void; shown: string | undefined }) {
  const { i18n } = shopify;
  const codes = openCodes(props.member).filter(
    (redemption) => redemption.status === "active" && redemption.code && redemption.id !== props.shown,
  );
  if (!codes.length) return null;
  return (
    <s-section heading={i18n.translate("redeem.codes.heading")}>
      <s-stack direction="block" gap="small">
        {codes.map((redemption) => (
          <s-stack key={redemption.id} direction="inline" justifyContent="space-between" alignItems="center">
            <s-text>{redemption.code}</s-text>
            <s-button onClick={() => props.apply(redemption.code!)}>{i18n.translate("redeem.codes.apply")}</s-button>
          </s-stack>
        ))}
      </s-stack>
    </s-section>
  );
}
