/**
 * Referral capture, built into ../assets/tally-ref.js (its own asset: tally.js has no room left
 * under Theme Check's 10,000-byte cap). The launcher embed loads it deferred on every page.
 *
 * A friend who follows a member's link (`/apps/tally/r/<CODE>`) lands on `/?tally_ref=<CODE>`.
 * Shopify's App Proxy drops cookies the app sets, so this script keeps the code: a first-party
 * cookie, the cart attribute `_tally_ref` (read from the paid order) and, on the classic
 * registration form, the customer note line `tally_ref: <CODE>` (read at customers/create).
 */

export const REF_COOKIE = "tally_ref";
export const CART_ATTRIBUTE = "_tally_ref";
export const NOTE_FIELD = "customer[note][tally_ref]";
/** sessionStorage: the code this browser session already put on the cart. */
export const POSTED_KEY = "tally_ref_posted";
const DEFAULT_DAYS = 30;
const VALID_CODE = /^[0-9A-Za-z]{4,16}$/;

interface RefConfig {
  root: string;
  cartUpdate: string;
}

export function readRefCookie(): string | null {
  const match = /(?:^|;\s*)tally_ref=([0-9A-Za-z]{4,16})(?:;|$)/.exec(document.cookie);
  return match ? match[1]! : null;
}

function writeRefCookie(code: string, days: number) {
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${REF_COOKIE}=${code}; path=/; max-age=${days * 86400}; SameSite=Lax${secure}`;
}

/** Storage can be off (privacy settings): then every failure reads as "unknown". */
function session(key: string, value?: string): string | null {
  try {
    if (value !== undefined) sessionStorage.setItem(key, value);
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

/** `POST /cart/update.js {attributes: {_tally_ref}}`, once per code per browser session. */
export async function tagCart(config: RefConfig, code: string): Promise<void> {
  if (session(POSTED_KEY) === code) return;
  try {
    const response = await fetch(config.cartUpdate + ".js", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ attributes: { [CART_ATTRIBUTE]: code } }),
    });
    if (response.ok) session(POSTED_KEY, code);
  } catch {
    // Offline or blocked: the next page view tries again.
  }
}

/** The hidden field Shopify's classic `create_customer` form turns into the note line `tally_ref: CODE`. */
export function tagRegisterForm(form: HTMLFormElement, code: string) {
  const type = form.elements.namedItem("form_type") as HTMLInputElement | null;
  if (!/\/account$/.test(form.getAttribute("action") || "") || !type || type.value !== "create_customer") return;
  let field = form.elements.namedItem(NOTE_FIELD) as HTMLInputElement | null;
  if (!field) {
    field = document.createElement("input");
    field.type = "hidden";
    field.name = NOTE_FIELD;
    form.appendChild(field);
  }
  field.value = code;
}

/** The program's attribution window (GET /apps/tally/member), to keep the cookie exactly that long. */
async function attributionDays(config: RefConfig): Promise<number | null> {
  try {
    const response = await fetch(config.root.replace(/\/?$/, "/") + "apps/tally/member", {
      headers: { Accept: "application/json" },
    });
    const view = await response.json();
    return (view.program && view.program.referrals && view.program.referrals.attributionDays) || null;
  } catch {
    return null;
  }
}

/** Takes `tally_ref` from the address (a new link visit replaces the old code), then tags the cart and the register form. */
export async function capture(config: RefConfig): Promise<void> {
  const url = new URL(location.href);
  const linked = url.searchParams.get("tally_ref");
  let keepForProgramDays: Promise<unknown> | undefined;
  if (linked && VALID_CODE.test(linked)) {
    const linkedCode = linked.toUpperCase();
    writeRefCookie(linkedCode, DEFAULT_DAYS);
    url.searchParams.delete("tally_ref");
    history.replaceState(history.state, "", url.pathname + url.search + url.hash);
    keepForProgramDays = attributionDays(config).then(
      (days) => days && days !== DEFAULT_DAYS && writeRefCookie(linkedCode, days),
    );
  }
  const code = readRefCookie();
  if (!code) return;
  document.querySelectorAll("form").forEach((form) => tagRegisterForm(form, code));
  // Forms a theme renders later (a drawer, a modal) are tagged as they are sent.
  document.addEventListener("submit", (event) => tagRegisterForm(event.target as HTMLFormElement, code), true);
  await Promise.all([tagCart(config, code), keepForProgramDays]);
}

/** The routes from the first Tally block's config (the embed's on every page). */
export function readRefConfig(): RefConfig | null {
  const node = document.querySelector("script[data-tally-config]");
  try {
    return node ? JSON.parse(node.textContent || "") : null;
  } catch {
    return null;
  }
}
