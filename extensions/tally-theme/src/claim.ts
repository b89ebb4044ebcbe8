/**
 * Actions shoppers claim themselves (follow us, visit a page), in the launcher's panel and the
 * account block: the Liquid snippet `tally-claims` gives the empty list; this script fills it from
 * `GET /apps/tally/member` (`actions`, with the shopper's status), and a click on an action's link
 * — which opens it in a new tab — sends `POST /apps/tally/actions/claim`. Then "Claimed · +50
 * points" and the block's balance up. Its own asset (assets/tally-claim.js): tally.js is at its
 * 10,000-byte cap. It shares tally.js's one /member request (`document.tally`) where there is one.
 */
import { esc, on, proxyBase, readConfig, pointsText, tr, type Config, type MemberView } from "./tally";

export interface ClaimableAction {
  key: string;
  name: string;
  points: number;
  url: string;
  status: "open" | "claimed" | "limit_reached";
}

type Loader = (config: Config, fresh?: boolean) => Promise<MemberView & { actions?: ClaimableAction[] }>;
type Claims = HTMLElement & { tally?: boolean };

/** tally.js's loadMember (one request per page for every block), else a request of our own. */
const member: Loader = (config, fresh) =>
  (document as Document & { tally?: Loader }).tally
    ? (document as Document & { tally: Loader }).tally(config, fresh)
    : fetch(proxyBase(config) + "/member", { headers: { Accept: "application/json" } }).then((r) => r.json());

/** One action: its link (new tab) while it is open, else what it gave or that it was earned already. */
export function actionHtml(config: Config, action: ClaimableAction): string {
  const status =
    action.status === "open"
      ? tr(config, "claim_earn", { points: pointsText(config, action.points) })
      : action.status === "claimed"
        ? tr(config, "claim_done", { points: pointsText(config, action.points) })
        : tr(config, "claim_limit");
  const name =
    action.status === "open"
      ? `<a href="${esc(action.url)}" target="_blank" rel="noopener noreferrer" data-claim="${esc(action.key)}">${esc(action.name)}</a>`
      : `<span>${esc(action.name)}</span>`;
  return `<li data-action="${esc(action.key)}">${name}<span class="tally-muted">${status}</span></li>`;
}

function claims(box: HTMLElement, config: Config) {
  const list = box.querySelector("ul")!;
  const root = box.closest<HTMLElement>(".tally-root")!;
  let actions: ClaimableAction[] = [];
  const render = (fresh?: boolean) =>
    member(config, fresh).then((view) => {
      actions = (view.loggedIn && view.actions) || [];
      box.hidden = !actions.length;
      list.innerHTML = actions.map((action) => actionHtml(config, action)).join("");
    }, ignore);

  on(list, "click", async (event) => {
    const link = (event.target as HTMLElement).closest<HTMLAnchorElement>("[data-claim]");
    const action = link && actions.find((a) => a.key === link.dataset.claim);
    if (!action) return;
    // The link opens in its new tab by itself; the claim goes alongside.
    const item = link!.closest("li")!;
    let answer: { status?: string; balance?: number; message?: string } = {};
    try {
      const response = await fetch(proxyBase(config) + "/actions/claim", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ action: action.key }),
      });
      answer = await response.json();
    } catch {
      // No answer: the link stays to claim again (a claim counts once).
    }
    if (answer.status === "claimed") {
      action.status = "claimed";
      item.outerHTML = actionHtml(config, action);
      const balance = root.querySelector(".tally-balance strong");
      if (balance) balance.textContent = pointsText(config, answer.balance!);
      // Every block reads the new balance from here on.
      member(config, true).catch(ignore);
    } else {
      item.querySelector(".tally-muted")!.textContent = answer.message || config.strings.error_generic || "";
    }
  });

  // In the launcher, once its panel opens (the panel's data loads then too); elsewhere at once.
  const button = root.querySelector(".tally-launcher__button");
  if (button) on(button, "click", () => render());
  else render();
}

const ignore = () => {};

/** Wires every claims list on the page, once each. */
export function bootClaims(doc: Document = document) {
  doc.querySelectorAll<Claims>("[data-tally-claims]").forEach((box) => {
    if (box.tally) return;
    box.tally = true;
    claims(box, readConfig(box.closest<HTMLElement>(".tally-root")!).config);
  });
}
