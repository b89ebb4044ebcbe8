// @vitest-environment happy-dom
/** @jsxImportSource preact */
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import messages from "../locales/en.default.json";
import french from "../locales/fr.json";
import { fakeFetch, fakePosShopify, type FakePosOptions } from "../../shared/test-support/fake-shopify";
import { CustomerBlock } from "./CustomerBlock";
import { LookupButton } from "./LookupButton";
import { LookupModal } from "./LookupModal";
import type { PosMember } from "./pos-api";

const APP = "https://tally.test";

const posMember = (overrides: Partial<PosMember> = {}): PosMember => ({
  loggedIn: true,
  customerId: "7101",
  points: { balance: 650, pending: 40, expiringNext: { points: 200, at: "2027-03-01T00:00:00.000Z" } },
  tier: { id: "gold", name: "Gold", perks: [{ type: "percentage_off", percentage: 10, collectionIds: [] }] },
  tierProgress: null,
  rewards: [
    { id: "five-off", name: "5 off", type: "fixed_amount", pointsCost: 500, available: true },
    { id: "big", name: "50 off", type: "fixed_amount", pointsCost: 5000, available: false },
  ],
  redemptions: [],
  program: { enabled: true },
  ...overrides,
});

let shopify: ReturnType<typeof fakePosShopify>;
function setUp(handler: Parameters<typeof fakeFetch>[0], options: FakePosOptions = {}) {
  const translations = { en: messages, fr: french }[(options.locale ?? "en") as "en"];
  shopify = fakePosShopify(translations, options);
  vi.stubGlobal("shopify", shopify);
  const fake = fakeFetch(handler);
  vi.stubGlobal("fetch", fake.fetch);
  return fake;
}

beforeEach(() => vi.stubEnv("APP_URL", APP));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("the customer details block", () => {
  it("shows the open customer's balance, pending points, tier, perks and points about to expire", async () => {
    const { calls } = setUp(() => [200, posMember()], { pageCustomerId: 7101 });
    render(<CustomerBlock />);
    expect(await screen.findByText("Balance: 650 points")).toBeTruthy();
    expect(screen.getByText("40 points pending until the return period ends")).toBeTruthy();
    expect(screen.getByText("Tier: Gold")).toBeTruthy();
    expect(screen.getByText("Gold: 10% off everything, applied at checkout")).toBeTruthy();
    expect(screen.getByText("200 points expire on Mar 1, 2027")).toBeTruthy();
    expect(calls).toEqual([
      expect.objectContaining({
        url: `${APP}/api/pos/members/7101?locale=en`,
        method: "GET",
        headers: expect.objectContaining({ authorization: "Bearer header.payload.signature" }),
      }),
    ]);
  });

  it("speaks the POS's language, and asks Tally for names in it", async () => {
    const { calls } = setUp(
      () => [200, posMember({ tier: null, points: { balance: 1, pending: 0, expiringNext: null } })],
      {
        locale: "fr",
      },
    );
    render(<CustomerBlock />);
    expect(await screen.findByText("Solde : 1 point")).toBeTruthy();
    expect(screen.getByText("Pas encore de niveau")).toBeTruthy();
    expect(calls[0]!.url).toBe(`${APP}/api/pos/members/7101?locale=fr`);
  });

  it("says the Shopify user logged into POS may not use the app, and calls nothing", async () => {
    const { calls } = setUp(() => [200, posMember()], { sessionToken: undefined });
    render(<CustomerBlock />);
    expect(await screen.findByText(/can't use Tally/)).toBeTruthy();
    expect(calls).toEqual([]);
  });

  it("says Tally can't be reached when it fails", async () => {
    setUp(() => [503, { error: "unavailable" }]);
    render(<CustomerBlock />);
    expect(await screen.findByText(/can't be reached/)).toBeTruthy();
  });
});

describe("looking a member up (customer details action)", () => {
  it("opens its modal from the action menu", () => {
    setUp(() => [200, {}]);
    render(<LookupButton />);
    fireEvent.click(screen.getByText("Look up a member"));
    expect(shopify.action.presentModal).toHaveBeenCalledOnce();
  });

  it("searches from two characters, shows members with their points, and puts one in the cart", async () => {
    const { calls } = setUp(() => [
      200,
      {
        members: [{ customerId: "7101", name: "Mia Counter", email: "mia@example.com", balance: 650, tier: "Gold" }],
      },
    ]);
    const { container } = render(<LookupModal />);
    const field = container.querySelector("s-search-field") as HTMLElement & { value: string };
    field.value = "m";
    fireEvent.input(field);
    expect(screen.getByText("Type at least 2 characters.")).toBeTruthy();
    expect(calls).toEqual([]);

    field.value = "mia ";
    fireEvent.input(field);
    expect(await screen.findByText("650 points · Gold · mia@example.com")).toBeTruthy();
    expect(calls.map((call) => call.url)).toEqual([`${APP}/api/pos/members?query=mia&locale=en`]);
    fireEvent.click(screen.getByText("Add to cart"));
    await waitFor(() => expect(shopify.cart.setCustomer).toHaveBeenCalledWith({ id: 7101 }));
    expect(shopify.toast.show).toHaveBeenCalledWith("Mia Counter was added to the cart.");
  });

  it("says when nobody matches", async () => {
    setUp(() => [200, { members: [] }]);
    const { container } = render(<LookupModal />);
    const field = container.querySelector("s-search-field") as HTMLElement & { value: string };
    field.value = "nobody";
    fireEvent.input(field);
    expect(await screen.findByText("No member found.")).toBeTruthy();
  });
});
