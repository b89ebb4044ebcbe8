// @vitest-environment happy-dom
/** @jsxImportSource preact */
import { cleanup, render, screen } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import messages from "../locales/en.default.json";
import french from "../locales/fr.json";
import japanese from "../locales/ja.json";
import { fakeCheckoutShopify, fakeFetch, type FakeCheckoutOptions } from "../../shared/test-support/fake-shopify";
import { ThankYou } from "./ThankYou";

const APP = "https://tally.test";
const ORDER = "gid://shopify/Order/8101";

function setUp(options: FakeCheckoutOptions, handler: Parameters<typeof fakeFetch>[0], programEnabled = true) {
  const translations = { en: messages, fr: french, ja: japanese }[(options.locale ?? "en") as "en"];
  vi.stubGlobal("shopify", fakeCheckoutShopify(translations, { orderId: ORDER, ...options }));
  // The member API says whether shoppers see the program.
  const fake = fakeFetch((call) =>
    call.url.endsWith("/api/extension/member")
      ? [200, { loggedIn: true, program: { enabled: programEnabled } }]
      : handler(call),
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

describe("thank-you block", () => {
  it("tells the shopper what the order earned, asking for that order with the session token", async () => {
    const { calls } = setUp({}, () => [
      200,
      { orderId: "8101", status: "earned", points: 120, pendingPoints: 0, availableAt: null },
    ]);
    render(<ThankYou />);
    expect(await screen.findByText("You earned 120 reward points with this order.")).toBeTruthy();
    expect(calls).toEqual([
      expect.objectContaining({ url: `${APP}/api/extension/member` }),
      expect.objectContaining({
        url: `${APP}/api/extension/order-points?orderId=${encodeURIComponent(ORDER)}`,
        headers: { authorization: "Bearer header.payload.signature" },
      }),
    ]);
  });

  it("says the points are pending, and from when they can be used, while the program holds them", async () => {
    setUp({}, () => [
      200,
      { orderId: "8101", status: "pending", points: 80, pendingPoints: 80, availableAt: "2026-12-08T10:00:00.000Z" },
    ]);
    render(<ThankYou />);
    expect(
      await screen.findByText("You earned 80 reward points with this order. They will be ready to use on Dec 8, 2026."),
    ).toBeTruthy();
  });

  it("says the points are on their way until Tally has the order, then shows them", async () => {
    let asked = 0;
    const { calls } = setUp({}, () =>
      ++asked < 3
        ? [202, { orderId: "8101", status: "processing" }]
        : [200, { status: "earned", points: 1, pendingPoints: 0, availableAt: null }],
    );
    render(<ThankYou retryDelays={[5, 5, 5]} />);
    expect(await screen.findByText("Your reward points for this order are on their way.")).toBeTruthy();
    expect(await screen.findByText("You earned 1 reward point with this order.")).toBeTruthy();
    expect(calls.filter((call) => call.url.includes("order-points"))).toHaveLength(3);
  });

  it("says nothing to a guest and asks nothing", async () => {
    const { calls } = setUp({ customerId: null }, () => [200, {}]);
    const { container } = render(<ThankYou retryDelays={[]} />);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toEqual([]);
    expect(container.textContent).toBe("");
  });

  it("says nothing while the program is off for shoppers, though the order earned points", async () => {
    const earned = { orderId: "8101", status: "earned", points: 120, pendingPoints: 0, availableAt: null };
    const { calls } = setUp({}, () => [200, earned], false);
    const { container } = render(<ThankYou retryDelays={[]} />);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(container.textContent).toBe("");
    expect(calls.map((call) => call.url)).toEqual([`${APP}/api/extension/member`]);
  });

  it("says nothing when the order earned nothing or is not the shopper's", async () => {
    setUp({}, () => [404, { error: "order_not_found" }]);
    const { container } = render(<ThankYou retryDelays={[]} />);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(container.textContent).toBe("");
  });
});

describe("thank-you block in the buyer's language", () => {
  const earned = (points: number) => () =>
    [200, { orderId: "8101", status: "earned", points, pendingPoints: 0, availableAt: null }] as [number, unknown];

  it("French: 1 point in the singular, 1 234 points with French grouping", async () => {
    setUp({ locale: "fr" }, earned(1));
    render(<ThankYou />);
    expect(await screen.findByText("Vous avez gagné 1 point de fidélité avec cette commande.")).toBeTruthy();
    cleanup();
    setUp({ locale: "fr" }, earned(1234));
    render(<ThankYou />);
    // Testing Library reads French grouping's narrow no-break space as a space.
    expect(await screen.findByText("Vous avez gagné 1 234 points de fidélité avec cette commande.")).toBeTruthy();
  });

  it("Japanese: pending points with a Japanese date", async () => {
    setUp({ locale: "ja" }, () => [
      200,
      { orderId: "8101", status: "pending", points: 1, pendingPoints: 1, availableAt: "2026-12-08T10:00:00.000Z" },
    ]);
    render(<ThankYou />);
    expect(
      await screen.findByText("このご注文で1ポイントを獲得しました。2026/12/08からご利用いただけます。"),
    ).toBeTruthy();
  });
});
