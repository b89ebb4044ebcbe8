/**
 * The shopper's notices, in the launcher's panel and the account block: a win-back offer ("2×
 * points on orders until Dec 14"), the next best reward ("120 points to 10 off") and a campaign's
 * surprise, shown once ("200 points from <shop>: <message>"). The Liquid snippet `tally-notices`
 * gives an empty list and the texts (data attributes: tally-config stays as it is); this script
 * fills it from `GET /apps/tally/member` (`offers`, `surprise`) and, once a surprise is on
 * screen, sends `POST /apps/tally/surprises/{id}/seen`. Its own asset (assets/tally-notice.js):
 * tally.js is at its 10,000-byte cap. It shares tally.js's one /member request where there is one.
 */
import type { Member, Surprise } from "../../shared/tally-api";
import { esc, on, pointsText, proxyBase, readConfig, type Config, type MemberView } from "./tally";

// The member API's shapes, as the customer account reads them too (types only: nothing is bundled).
export type NoticesView = MemberView & Pick<Member, "offers" | "surprise">;

/** The snippet's texts, with `{name}` placeholders, and the shop's name. */
export interface NoticeTexts {
  winBack: string;
  nextReward: string;
  surprise: string;
  shop: string;
}

type Loader = (config: Config, fresh?: boolean) => Promise<NoticesView>;
type Notices = HTMLElement & { tally?: boolean };

const member: Loader = (config, fresh) =>
  (document as Document & { tally?: Loader }).tally
    ? (document as Document & { tally: Loader }).tally(config, fresh)
    : fetch(proxyBase(config) + "/member", { headers: { Accept: "application/json" } }).then((r) => r.json());

/** A text with its placeholders filled; the text and every value escaped (a message is the merchant's words). */
const fill = (text: string, values: Record<string, string>) =>
  esc(text).replace(/\{(\w+)\}/g, (_, name: string) => (name in values ? esc(values[name]) : ""));

/** The notices for a member, as list items: win-back, surprise, next reward. */
export function noticesHtml(config: Config, texts: NoticeTexts, view: NoticesView): string[] {
  if (!view.loggedIn) return [];
  const items: string[] = [];
  const winBack = view.offers?.winBack;
  if (winBack) {
    let date = winBack.endsAt.slice(0, 10);
    try {
      date = new Intl.DateTimeFormat(config.locale, { month: "short", day: "numeric" }).format(
        new Date(winBack.endsAt),
      );
    } catch {
      // An unknown locale: the ISO date.
    }
    items.push(
      `<li data-notice="win-back">${fill(texts.winBack, {
        multiplier: winBack.multiplier.toLocaleString(config.locale),
        date,
      })}</li>`,
    );
  }
  const surprise = view.surprise;
  if (surprise) {
    const gift = surprise.points > 0 ? pointsText(config, surprise.points) : (surprise.rewardName ?? "");
    items.push(
      `<li data-notice="surprise">${fill(texts.surprise, { gift, shop: texts.shop, message: surprise.message })}</li>`,
    );
  }
  const next = view.offers?.nextReward;
  if (next) {
    items.push(
      `<li data-notice="next-reward">${fill(texts.nextReward, {
        points: pointsText(config, next.remaining),
        reward: next.name,
      })}</li>`,
    );
  }
  return items;
}

/** Surprises marked seen from this page (both blocks may show the same one). */
const seen = new Set<string>();

/** Tells the app the shopper saw the surprise: it is not shown again. */
export function markSeen(config: Config, surprise: Surprise): Promise<unknown> | undefined {
  if (seen.has(surprise.id)) return;
  seen.add(surprise.id);
  return fetch(proxyBase(config) + "/surprises/" + encodeURIComponent(surprise.id) + "/seen", {
    method: "POST",
    headers: { Accept: "application/json" },
  }).catch(() => seen.delete(surprise.id));
}

function notices(box: HTMLElement, config: Config) {
  const list = box.querySelector("ul")!;
  const root = box.closest<HTMLElement>(".tally-root")!;
  const data = box.dataset;
  const texts: NoticeTexts = {
    winBack: data.winBack || "",
    nextReward: data.nextReward || "",
    surprise: data.surprise || "",
    shop: data.shop || "",
  };
  const render = () =>
    member(config).then(
      (view) => {
        const items = noticesHtml(config, texts, view);
        // A kept room stays: hidden, it would collapse and move what follows.
        if (box.classList.contains("tally-notices--kept")) box.style.visibility = items.length ? "" : "hidden";
        else box.hidden = !items.length;
        list.innerHTML = items.join("");
        if (view.loggedIn && view.surprise) markSeen(config, view.surprise);
      },
      () => {},
    );
  // In the launcher, once its panel opens (a surprise counts as seen only then); elsewhere at once.
  const button = root.querySelector(".tally-launcher__button");
  if (button) on(button, "click", () => render());
  else render();
}

/** Wires every notices list on the page, once each. */
export function bootNotices(doc: Document = document) {
  doc.querySelectorAll<Notices>("[data-tally-notices]").forEach((box) => {
    if (box.tally) return;
    box.tally = true;
    notices(box, readConfig(box.closest<HTMLElement>(".tally-root")!).config);
  });
}
