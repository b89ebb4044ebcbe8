// @vitest-environment happy-dom
/** @jsxImportSource preact */
import { cleanup, render, screen } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import messages from "../locales/en.default.json";
import japanese from "../locales/ja.json";
import { fakeCustomerAccountShopify, fakeFetch } from "../../shared/test-support/fake-shopify";
import type { Member, Membership, MembershipOffer } from "../../shared/tally-api";
import { LoyaltyPage } from "./LoyaltyPage";

const APP = "https://tally.test";

/** The member API's offer to join and a paying member's membership (docs/membership.md). */
const OFFER: MembershipOffer = {
  name: "Club Plus",
  plans: [
    {
      id: "yearly",
      name: "Yearly",
      interval: "year",
      intervalCount: 1,
      price: "79.00",
      currencyCode: "EUR",
      variantId: "44020001",
      productHandle: "club-plus",
      productUrl: "https://tea.myshopify.com/products/club-plus?variant=44020001",
    },
  ],
  perks: {
    earnMultiplier: 2,
    joinBonusPoints: 100,
    renewalBonusPoints: 0,
    discounts: [{ type: "free_shipping", minimumSubtotal: null, currencyCode: null }],
  },
};
const PAID: Membership = {
  active: true,
  status: "active",
  planId: "yearly",
  planName: "Yearly",
  paidThrough: "2027-06-30T12:00:00.000Z",
  autoRenews: true,
  savings: { points: 240, discount: { amount: "12.50", currencyCode: "EUR" } },
};

const member = (membership: Membership | null, offer: MembershipOffer | null = OFFER): Member => ({
  loggedIn: true,
  points: { balance: 380, pending: 0, expiringNext: null },
  tier: null,
  rewards: [],
  redemptions: [],
  membership,
  program: { enabled: true, membership: offer },
});

function setUp(body: Member, locale = "en") {
  const translations = { en: messages, ja: japanese }[locale as "en"];
  vi.stubGlobal("shopify", fakeCustomerAccountShopify(translations, "gid://shopify/Customer/7001", locale));
  const fake = fakeFetch((call) =>
    call.url.includes("/activity") ? [200, { entries: [], nextCursor: null }] : [200, body],
  );
  vi.stubGlobal("fetch", fake.fetch);
  return fake;
}

beforeEach(() => vi.stubEnv("APP_URL", APP));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

const section = (container: Element) => container.querySelector('s-section[heading="Membership"]');

describe("the Rewards page's membership", () => {
  it("offers a shopper who is not paying the plan, linked to its product page on the storefront", async () => {
    setUp(member(null));
    const page = render(<LoyaltyPage />);
    expect(
      await screen.findByText("Join Club Plus for €79.00/year: 2× points, free shipping, 100 points when you join"),
    ).toBeTruthy();
    const link = page.container.querySelector("s-button[href]")!;
    expect(link.getAttribute("href")).toBe("https://tea.myshopify.com/products/club-plus?variant=44020001");
    expect(link.textContent).toBe("View");
  });

  it("shows a paying member their status, renewal date and savings", async () => {
    setUp(member(PAID));
    const { container } = render(<LoyaltyPage />);
    expect(await screen.findByText("Club Plus member · Yearly")).toBeTruthy();
    expect(screen.getByText("Renews on Jun 30, 2027")).toBeTruthy();
    expect(screen.getByText("Saved so far: €12.50 and 240 points")).toBeTruthy();
    expect(section(container)!.querySelector("s-button")).toBeNull();
  });

  it("says when a membership that does not renew ends, in Japanese", async () => {
    setUp(member({ ...PAID, autoRenews: false }), "ja");
    render(<LoyaltyPage />);
    expect(await screen.findByText("2027/06/30に終了")).toBeTruthy();
  });

  it("offers a member whose membership ended to join again, and shows nothing without an offer", async () => {
    setUp(member({ ...PAID, active: false, status: "ended" }));
    const ended = render(<LoyaltyPage />);
    expect(await screen.findByText(/^Join Club Plus for €79\.00\/year/)).toBeTruthy();
    ended.unmount();

    setUp(member(null, null));
    const { container } = render(<LoyaltyPage />);
    expect(await screen.findByText("380 points")).toBeTruthy();
    expect(section(container)).toBeNull();
  });
});
