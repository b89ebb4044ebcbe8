// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NOTE_FIELD, POSTED_KEY, capture, readRefCookie, readRefConfig } from "./ref";

/*
 * Referral capture (assets/tally-ref.js): a friend lands on `/?tally_ref=<CODE>` from a member's
 * link; the code goes to a cookie, the cart's attributes and the classic registration form.
 */

const CONFIG = { root: "/", cartUpdate: "/cart/update" };
let calls: { url: string; init: RequestInit }[];
let memberView: unknown;
let cartStatus: number;

const REGISTER_FORM = `
  <form method="post" action="/account" id="create_customer" accept-charset="UTF-8">
    <input type="hidden" name="form_type" value="create_customer"><input type="hidden" name="utf8" value="✓">
    <input name="customer[email]">
  </form>
  <form method="post" action="/account/login"><input type="hidden" name="form_type" value="customer_login"></form>`;

function visit(path: string) {
  history.replaceState(null, "", path);
}
const cartPosts = () => calls.filter((c) => c.url === "/cart/update.js");

beforeEach(() => {
  calls = [];
  memberView = { loggedIn: false, program: { referrals: { attributionDays: 30 } } };
  cartStatus = 200;
  sessionStorage.clear();
  document.cookie = "tally_ref=; path=/; max-age=0";
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      calls.push({ url, init });
      if (url === "/apps/tally/member") return Response.json(memberView);
      return Response.json({ attributes: JSON.parse(String(init.body)).attributes }, { status: cartStatus });
    }),
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = "";
  visit("/");
});

describe("referral capture", () => {
  it("keeps a linked code: cookie, cart attribute once per session, the address cleaned of it", async () => {
    visit("/collections/all?sort_by=price&tally_ref=7m2k9q4x&utm_source=friend#top");
    const cookie = vi.spyOn(document, "cookie", "set");
    await capture(CONFIG);
    expect(cookie).toHaveBeenCalledWith("tally_ref=7M2K9Q4X; path=/; max-age=2592000; SameSite=Lax");
    expect(readRefCookie()).toBe("7M2K9Q4X");
    expect(location.pathname + location.search + location.hash).toBe(
      "/collections/all?sort_by=price&utm_source=friend#top",
    );
    expect(cartPosts()).toHaveLength(1);
    expect(cartPosts()[0]!.init).toMatchObject({ method: "POST", headers: { "Content-Type": "application/json" } });
    expect(JSON.parse(String(cartPosts()[0]!.init.body))).toEqual({ attributes: { _tally_ref: "7M2K9Q4X" } });
    expect(sessionStorage.getItem(POSTED_KEY)).toBe("7M2K9Q4X");

    // The next pages of the session: the cookie is there, the cart already has it.
    visit("/products/jacket");
    await capture(CONFIG);
    expect(cartPosts()).toHaveLength(1);
    // A new session (a new tab, a day later) puts it on that session's cart once.
    sessionStorage.clear();
    await capture(CONFIG);
    await capture(CONFIG);
    expect(cartPosts()).toHaveLength(2);
    // Nothing names a customer.
    for (const call of calls) expect(`${call.url} ${String(call.init.body ?? "")}`).not.toMatch(/customer/i);
    cookie.mockRestore();
  });

  it("keeps the cookie for the program's attribution window", async () => {
    memberView = { loggedIn: false, program: { referrals: { attributionDays: 7 } } };
    const cookie = vi.spyOn(document, "cookie", "set");
    visit("/?tally_ref=ABCD1234");
    await capture(CONFIG);
    expect(calls.map((c) => c.url).sort()).toEqual(["/apps/tally/member", "/cart/update.js"]);
    expect(cookie.mock.calls.map(([value]) => value)).toEqual([
      "tally_ref=ABCD1234; path=/; max-age=2592000; SameSite=Lax",
      `tally_ref=ABCD1234; path=/; max-age=${7 * 86400}; SameSite=Lax`,
    ]);
    cookie.mockRestore();
  });

  it("replaces the code with a later link's, and puts the new one on the cart", async () => {
    visit("/?tally_ref=FIRST01");
    await capture(CONFIG);
    visit("/?tally_ref=SECOND02");
    await capture(CONFIG);
    expect(readRefCookie()).toBe("SECOND02");
    expect(cartPosts().map((c) => JSON.parse(String(c.init.body)).attributes._tally_ref)).toEqual([
      "FIRST01",
      "SECOND02",
    ]);
  });

  it("tries the cart again on the next page when it failed", async () => {
    cartStatus = 500;
    visit("/?tally_ref=ABCD1234");
    await capture(CONFIG);
    expect(sessionStorage.getItem(POSTED_KEY)).toBeNull();
    cartStatus = 200;
    await capture(CONFIG);
    expect(cartPosts()).toHaveLength(2);
    expect(sessionStorage.getItem(POSTED_KEY)).toBe("ABCD1234");
  });

  it("ignores an invalid code: no cookie, no request, the address left alone", async () => {
    for (const bad of ["ab1", "ABCDEFGHIJKLMNOPQ", "ABC-1234", "<script>", ""]) {
      visit(`/?tally_ref=${encodeURIComponent(bad)}`);
      await capture(CONFIG);
      expect(readRefCookie(), bad).toBeNull();
      expect(location.search).toBe(`?tally_ref=${encodeURIComponent(bad)}`);
    }
    expect(calls).toEqual([]);
  });

  it("adds the code to the classic registration form as the customer note line, and to no other form", async () => {
    document.body.innerHTML = REGISTER_FORM;
    visit("/account/register?tally_ref=ABCD1234");
    await capture(CONFIG);
    const [register, login] = [...document.forms];
    const field = register!.elements.namedItem(NOTE_FIELD) as HTMLInputElement;
    expect(field).toMatchObject({ type: "hidden", value: "ABCD1234" });
    expect(new FormData(register!).get("customer[note][tally_ref]")).toBe("ABCD1234");
    expect(login!.querySelector(`[name="${NOTE_FIELD}"]`)).toBeNull();
    // One field, however often the page captures.
    await capture(CONFIG);
    expect(register!.querySelectorAll(`[name="${NOTE_FIELD}"]`)).toHaveLength(1);
  });

  it("adds it to a registration form the theme renders later, as it is sent", async () => {
    visit("/?tally_ref=ABCD1234");
    await capture(CONFIG);
    document.body.innerHTML = REGISTER_FORM;
    const register = document.forms[0]!;
    register.addEventListener("submit", (event) => event.preventDefault());
    register.requestSubmit();
    expect((register.elements.namedItem(NOTE_FIELD) as HTMLInputElement).value).toBe("ABCD1234");
  });

  it("leaves the registration form alone without a code", async () => {
    document.body.innerHTML = REGISTER_FORM;
    await capture(CONFIG);
    expect(document.forms[0]!.elements.namedItem(NOTE_FIELD)).toBeNull();
    expect(calls).toEqual([]);
  });

  it("reads the routes from the first Tally block's config", () => {
    document.body.innerHTML = `<script type="application/json" data-tally-config>{"root": "/fr/", "cartUpdate": "/fr/cart/update"}</script>`;
    expect(readRefConfig()).toMatchObject({ root: "/fr/", cartUpdate: "/fr/cart/update" });
    document.body.innerHTML = "";
    expect(readRefConfig()).toBeNull();
  });
});
