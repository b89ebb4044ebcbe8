/**
 * Challenges, badges and the monthly leaderboard, in the launcher's panel and the account block:
 * the Liquid snippet `tally-engage` gives an empty box and this section's strings; this script
 * fills it from `GET /apps/tally/member` (`challenges`, `badges`, `leaderboard`) and sends the
 * shopper's leaderboard choice (`POST /apps/tally/leaderboard`). Its own asset
 * (assets/tally-engage.js): tally.js is at its 10,000-byte cap. It shares tally.js's one /member
 * request (`document.tally`) where there is one. Everything the server sends is escaped.
 */
import type { Challenge, Member } from "../../shared/tally-api";
import { esc, on, pointsText, proxyBase, readConfig, type Config, type MemberView } from "./tally";

// The member API's shapes, as the customer account reads them too (types only: nothing is bundled).
export type EngageChallenge = Challenge;
export type EngageView = Pick<Member, "challenges" | "badges" | "leaderboard">;

type Strings = Record<string, string>;
type Loader = (config: Config, fresh?: boolean) => Promise<MemberView & EngageView>;
type Box = HTMLElement & { tally?: boolean };

/** The built-in badge icons (app/loyalty/program BADGE_ICONS), one 24×24 path each: no uploads. */
const ICONS: Record<string, string> = {
  star: "M12 2l3 7h7l-5.5 4.5L18.5 21 12 16.8 5.5 21l2-7.5L2 9h7z",
  trophy:
    "M7 3h10v3h4v3a4 4 0 0 1-4 4h-.5A5 5 0 0 1 13 16v3h4v2H7v-2h4v-3a5 5 0 0 1-3.5-3H7a4 4 0 0 1-4-4V6h4zM5 8v1a2 2 0 0 0 2 2V8zm12 0v3a2 2 0 0 0 2-2V8z",
  crown: "M3 7l5 4 4-7 4 7 5-4-2 12H5z",
  medal: "M7 2h4l1 4 1-4h4l-3 7a6 6 0 1 1-4 0zm5 9a4 4 0 1 0 0 8 4 4 0 0 0 0-8z",
  flame: "M12 2c1 4 6 6 6 12a6 6 0 0 1-12 0c0-3 2-5 3-6 0 2 1 3 2 3 0-4 1-6 1-9z",
  heart: "M12 21l-8-8a5 5 0 0 1 8-6 5 5 0 0 1 8 6z",
  gift: "M3 8h18v4H3zm2 4h14v9H5zm6-4h2v13h-2zm1 0C10 4 6 4 7 7c.5 1 3 1 5 1zm0 0c2-4 6-4 5-1-.5 1-3 1-5 1z",
  rocket: "M12 2c4 3 5 8 3 13H9C7 10 8 5 12 2zm0 5a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm-3 9l-3 5 4-2zm6 0l3 5-4-2z",
  leaf: "M20 4C10 4 4 9 4 16c0 2 1 4 1 4s1-5 7-8c-4 4-5 7-5 8 9 0 13-7 13-16z",
  diamond: "M6 3h12l4 6-10 12L2 9z",
  comeback: "M12 4a8 8 0 1 1-8 8h3a5 5 0 1 0 5-5v3L7 5.5 12 1z",
  sparkles: "M12 2l2 6 6 2-6 2-2 6-2-6-6-2 6-2zm7 13l1 3 3 1-3 1-1 3-1-3-3-1 3-1z",
};

export const badgeSvg = (icon: string | null) =>
  `<svg class="tally-badge" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false"><path fill="currentColor" d="${ICONS[icon || ""] || ICONS.star}"/></svg>`;

/** A string of this section with `{name}` placeholders filled, escaped once. */
const say = (strings: Strings, key: string, values: Record<string, unknown> = {}) =>
  esc((strings[key] || key).replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? "")));

const bar = (current: number, target: number) =>
  `<progress max="${esc(target)}" value="${esc(Math.min(current, target))}"></progress>`;

/** "1 of 2 orders — 12 days left", or "Completed". */
export function progressText(strings: Strings, challenge: EngageChallenge): string {
  if (challenge.completed && challenge.progress.current >= challenge.progress.target) return say(strings, "completed");
  const { current, target, unit } = challenge.progress;
  const text = say(strings, "progress_" + unit, { current, target });
  if (challenge.daysLeft === null) return text;
  return text + " — " + say(strings, challenge.daysLeft === 1 ? "day_left" : "days_left", { days: challenge.daysLeft });
}

function rewardText(config: Config, strings: Strings, challenge: EngageChallenge): string {
  const reward = challenge.reward;
  if (!reward) return "";
  return reward.type === "points"
    ? say(strings, "reward_points", { points: pointsText(config, reward.points) })
    : say(strings, "reward_reward", { name: reward.name });
}

export function engageHtml(config: Config, strings: Strings, view: EngageView): string {
  const parts: string[] = [];
  const challenges = view.challenges || [];
  if (challenges.length) {
    parts.push(
      `<h3>${say(strings, "challenges")}</h3><ul class="tally-list tally-challenges">` +
        challenges
          .map(
            (c) =>
              `<li data-challenge="${esc(c.id)}">${badgeSvg(c.badge)}<div><strong>${esc(c.name)}</strong>` +
              (c.description ? `<div class="tally-muted">${esc(c.description)}</div>` : "") +
              `${bar(c.progress.current, c.progress.target)}<div class="tally-muted">${progressText(strings, c)}` +
              (c.reward ? ` · ${rewardText(config, strings, c)}` : "") +
              `</div></div></li>`,
          )
          .join("") +
        `</ul>`,
    );
  }
  const badges = view.badges || { earned: [], next: [] };
  if (badges.earned.length || badges.next.length) {
    parts.push(
      `<h3>${say(strings, "badges")}</h3><ul class="tally-list tally-badges">` +
        badges.earned
          .map((b) => `<li data-badge="${esc(b.id)}">${badgeSvg(b.icon)}<strong>${esc(b.name)}</strong></li>`)
          .join("") +
        badges.next
          .map(
            (b) =>
              `<li data-next-badge="${esc(b.id)}" class="tally-muted">${badgeSvg(b.icon)}<span>${esc(b.name)}</span>` +
              `${bar(b.current, b.target)}<span>${say(strings, "of", { current: b.current, target: b.target })}</span></li>`,
          )
          .join("") +
        `</ul>`,
    );
  }
  const board = view.leaderboard;
  if (board) {
    const rows = board.top
      .map(
        (row) =>
          `<li${row.you ? ' class="tally-you"' : ""}><span>#${esc(row.rank)} ${row.name === null ? say(strings, "anonymous") : esc(row.name)}` +
          `${row.you ? ` (${say(strings, "you")})` : ""}</span><span class="tally-muted">${esc(pointsText(config, row.points))}</span></li>`,
      )
      .join("");
    parts.push(
      `<h3>${say(strings, "leaderboard")}</h3>` +
        (rows
          ? `<ol class="tally-list tally-leaderboard">${rows}</ol>`
          : `<p class="tally-muted">${say(strings, "empty")}</p>`) +
        (board.you
          ? `<p>${say(strings, "your_rank", { rank: board.you.rank, points: pointsText(config, board.you.points) })}</p>`
          : "") +
        (board.optedIn
          ? `<form data-leaderboard><input type="hidden" name="optIn" value="false"><button type="submit" class="tally-button">${say(strings, "leave")}</button></form>`
          : `<form data-leaderboard><input type="hidden" name="optIn" value="true"><label>${say(strings, "nickname")} <input name="nickname" maxlength="20" autocomplete="nickname"></label> <button type="submit" class="tally-button">${say(strings, "join")}</button></form>`) +
        `<p class="tally-msg" data-leaderboard-msg role="status" aria-live="polite"></p>`,
    );
  }
  return parts.join("");
}

/** tally.js's loadMember (one request per page for every block), else a request of our own. */
const member: Loader = (config, fresh) =>
  (document as Document & { tally?: Loader }).tally
    ? (document as Document & { tally: Loader }).tally(config, fresh)
    : fetch(proxyBase(config) + "/member", { headers: { Accept: "application/json" } }).then((r) => r.json());

function engage(box: HTMLElement, config: Config, strings: Strings) {
  const root = box.closest<HTMLElement>(".tally-root")!;
  const render = (fresh?: boolean) =>
    member(config, fresh).then((view) => {
      const html = view.loggedIn ? engageHtml(config, strings, view) : "";
      box.hidden = !html;
      box.innerHTML = html;
    }, ignore);

  on(box, "submit", async (event) => {
    const form = (event.target as HTMLElement).closest<HTMLFormElement>("[data-leaderboard]");
    if (!form) return;
    event.preventDefault();
    const data = new FormData(form);
    const nickname = String(data.get("nickname") || "").trim();
    let answer: { optedIn?: boolean; message?: string } = {};
    try {
      const response = await fetch(proxyBase(config) + "/leaderboard", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ optIn: data.get("optIn") === "true", ...(nickname ? { nickname } : {}) }),
      });
      answer = await response.json();
    } catch {
      // No answer: the form stays to send again.
    }
    if (typeof answer.optedIn === "boolean") render(true);
    else
      box.querySelector("[data-leaderboard-msg]")!.textContent = answer.message || config.strings.error_generic || "";
  });

  // In the launcher, once its panel opens (the panel's data loads then too); elsewhere at once.
  const button = root.querySelector(".tally-launcher__button");
  if (button) on(button, "click", () => render());
  else render();
}

const ignore = () => {};

/** Wires every engagement box on the page, once each. */
export function bootEngage(doc: Document = document) {
  doc.querySelectorAll<Box>("[data-tally-engage]").forEach((box) => {
    if (box.tally) return;
    box.tally = true;
    const strings = JSON.parse(box.previousElementSibling?.textContent || "{}") as Strings;
    engage(box, readConfig(box.closest<HTMLElement>(".tally-root")!).config, strings);
  });
}
