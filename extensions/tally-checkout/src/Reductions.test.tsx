// @vitest-environment happy-dom
/** @jsxImportSource preact */
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import messages from "../locales/en.default.json";
import french from "../locales/fr.json";
import japanese from "../locales/ja.json";
import { fakeCheckoutShopify, fakeFetch, type FakeCheckoutOptions } from "../../shared/test-support/fake-shopify";
import type { Member, Redemption } from "../../shared/tally-api";
import { Reductions } from "./Reductions";

const APP = "https://tally.test";

function member(overrides: Partial<Member> = {}): Member {
  return {
    loggedIn: true,
    points: { balance: 450, pending: 0, expiringNext: null },
    tier: null,
    tierProgress: null,
    rewards: [
      { id: "five-off", name: "5 off", type: "fixed_amount", pointsCost: 500, available: false },
      { id: "ship", name: "Free shipping", type: "free_shipping", pointsCost: 200, available: true },
      { id: "ten-percent", name: "10% off", type: "percentage", pointsCost: 300, available: true },
    ],
    redemptions: [],
    program: { enabled: true },
    ...overrides,
  };
}

const code = (overrides: Partial<Redemption> = {}): Redemption => ({
  id: "r1",
  code: "TALLY-ABC",
  pointsSpent: 200,
  status: "active",
  expiresAt: "2027-01-31T00:00:00.000Z",
  ...overrides,
});

let shopify: ReturnType<typeof fakeCheckoutShopify>;
function setUp(options: FakeCheckoutOptions, handler: Parameters<typeof fakeFetch>[0]) {
  const translations = { en: messages, fr: french, ja: japanese }[(options.locale ?? "en") as "en"];
  shopify = fakeCheckoutShopify(translations, options);
  vi.stubGlobal("shopify", shopify);
  const fake = fakeFetch(handler);
  vi.stubGlobal("fetch", fake.fetch);
  return fake;
}

beforeEach(() => {
  vi.stubEnv("APP_URL", APP);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("checkout reductions (next to the discount field)", () => {
  it("asks a guest to log in and calls nothing", async () => {
    const { calls } = setUp({ customerId: null }, () => [500, {}]);
    render(<Reductions />);
    expect(screen.getByText("Log in to use your reward points on this order.")).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toEqual([]);
  });

  it("shows a member's balance and the rewards they can afford, cheapest first, with the session token", async () => {
    const { calls } = setUp({}, () => [200, member()]);
    render(<Reductions />);
    expect(await screen.findByText("You have 450 reward points.")).toBeTruthy();
    const rewards = screen.getAllByText(/ · \d+ points$/).map((node) => node.textContent);
    expect(rewards).toEqual(["Free shipping · 200 points", "10% off · 300 points"]);
    expect(screen.getAllByText("Redeem")).toHaveLength(2);
    expect(calls).toEqual([
      expect.objectContaining({
        url: `${APP}/api/extension/member`,
        method: "GET",
        headers: { authorization: "Bearer header.payload.signature" },
      }),
    ]);
  });

  it("says what the member's tier takes off this order automatically", async () => {
    const tier: Member["tier"] = {
      id: "gold",
      name: "Gold",
      perks: [
        { type: "percentage_off", percentage: 15, collectionIds: ["42"] },
        { type: "free_shipping", minimumSubtotal: null, currencyCode: null },
      ],
    };
    setUp({}, () => [200, member({ tier })]);
    render(<Reductions />);
    expect(await screen.findByText("Gold: 15% off selected collections, applied at checkout")).toBeTruthy();
    expect(screen.getByText("Gold: free shipping, applied at checkout")).toBeTruthy();
  });

  it("asks Tally when the app cannot read the buyer (no buyerIdentity): the token decides", async () => {
    const { calls } = setUp({ customerId: false }, () => [200, { loggedIn: false, program: { rewards: [] } }]);
    render(<Reductions />);
    expect(await screen.findByText("Log in to use your reward points on this order.")).toBeTruthy();
    expect(calls).toHaveLength(1);
  });

  it("shows nothing at all while the program is off for shoppers (no plan approved yet)", async () => {
    setUp({}, () => [200, member({ program: { enabled: false } })]);
    const { container } = render(<Reductions />);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(container.textContent).toBe("");
    cleanup();
    // Tally asked for a buyer the app cannot read: not even the sign-in prompt.
    setUp({ customerId: false }, () => [200, { loggedIn: false, program: { enabled: false } }]);
    const unknown = render(<Reductions />);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unknown.container.textContent).toBe("");
  });

  it("redeems with the Bearer token and an Idempotency-Key, then applies the code to the checkout", async () => {
    let balance = 450;
    const { calls } = setUp({}, (call) => {
      if (call.method === "POST") {
        balance -= 200;
        return [201, { redemption: code() }];
      }
      return [
        200,
        member({ points: { balance, pending: 0, expiringNext: null }, redemptions: balance < 450 ? [code()] : [] }),
      ];
    });
    render(<Reductions />);
    fireEvent.click((await screen.findAllByText("Redeem"))[0]!);

    expect(await screen.findByText("Code TALLY-ABC applied to your order.")).toBeTruthy();
    const post = calls.find((c) => c.method === "POST")!;
    expect(post.url).toBe(`${APP}/api/extension/redemptions`);
    expect(post.headers.authorization).toBe("Bearer header.payload.signature");
    expect(post.headers["idempotency-key"]).toMatch(/^[\w-]{16,}$/);
    expect(post.body).toEqual({ rewardId: "ship" });
    expect(shopify.applyDiscountCodeChange).toHaveBeenCalledWith({ type: "addDiscountCode", code: "TALLY-ABC" });
    // The applied code is not offered again; the balance is the new one.
    expect(await screen.findByText("You have 250 reward points.")).toBeTruthy();
    expect(screen.queryByText(/Your code TALLY-ABC/)).toBeNull();
  });

  it("does not offer redemption when the checkout cannot take discount codes, but shows the shopper's codes", async () => {
    const { calls } = setUp({ canUpdateDiscountCodes: false }, () => [200, member({ redemptions: [code()] })]);
    render(<Reductions />);
    expect(await screen.findByText(/Discount codes can't be added to this order/)).toBeTruthy();
    expect(screen.queryByText("Redeem")).toBeNull();
    expect(screen.queryByText("Apply")).toBeNull();
    expect(screen.getByText("Your code TALLY-ABC (until Jan 31, 2027)")).toBeTruthy();
    expect(calls.every((c) => c.method === "GET")).toBe(true);
  });

  it("spends nothing if the checkout stops taking codes after rendering", async () => {
    const { calls } = setUp({}, () => [200, member()]);
    render(<Reductions />);
    const [button] = await screen.findAllByText("Redeem");
    shopify.instructions.value = { ...shopify.instructions.value, discounts: { canUpdateDiscountCodes: false } };
    fireEvent.click(button!);
    await waitFor(() => expect(screen.queryByText("Redeem")).toBeNull());
    expect(calls.some((c) => c.method === "POST")).toBe(false);
    expect(shopify.applyDiscountCodeChange).not.toHaveBeenCalled();
  });

  it("shows the code, still valid, when applying it fails (accelerated checkout)", async () => {
    let redeemed = false;
    setUp({ applyResult: { type: "error", message: "accelerated checkout" } }, (call) => {
      if (call.method === "POST") return ((redeemed = true), [201, { redemption: code() }]);
      return [200, member({ redemptions: redeemed ? [code()] : [] })];
    });
    render(<Reductions />);
    fireEvent.click((await screen.findAllByText("Redeem"))[0]!);
    expect(
      await screen.findByText(
        "Code TALLY-ABC couldn't be added to this order. It stays valid until Jan 31, 2027: enter it in the discount field or use it on a later order.",
      ),
    ).toBeTruthy();
    // The unused code stays listed with a way to try again.
    expect(await screen.findByText("Your code TALLY-ABC (until Jan 31, 2027)")).toBeTruthy();
    expect(screen.getByText("Apply")).toBeTruthy();
  });

  it("keeps the code on screen when Tally cannot be reached right after redeeming", async () => {
    let gets = 0;
    setUp({ applyResult: { type: "error", message: "accelerated checkout" } }, (call) => {
      if (call.method === "POST") return [201, { redemption: code() }];
      if (++gets > 1) throw new TypeError("offline");
      return [200, member()];
    });
    render(<Reductions />);
    fireEvent.click((await screen.findAllByText("Redeem"))[0]!);
    expect(await screen.findByText(/Code TALLY-ABC couldn't be added to this order. It stays valid/)).toBeTruthy();
    await waitFor(() => expect(gets).toBeGreaterThan(1));
    expect(screen.getByText(/Code TALLY-ABC couldn't be added/)).toBeTruthy();
    expect(screen.queryByText("Your reward points can't be shown right now.")).toBeNull();
  });

  it("treats a thrown applyDiscountCodeChange like a refusal", async () => {
    setUp({ applyResult: new Error("host gone") }, (call) =>
      call.method === "POST" ? [201, { redemption: code() }] : [200, member()],
    );
    render(<Reductions />);
    fireEvent.click((await screen.findAllByText("Redeem"))[0]!);
    expect(await screen.findByText(/Code TALLY-ABC couldn't be added to this order/)).toBeTruthy();
  });

  it("applies an unused code the shopper already has without spending again", async () => {
    const { calls } = setUp({}, () => [200, member({ redemptions: [code({ id: "old", code: "TALLY-OLD" })] })]);
    render(<Reductions />);
    fireEvent.click(await screen.findByText("Apply"));
    expect(await screen.findByText("Code TALLY-OLD applied to your order.")).toBeTruthy();
    expect(calls.some((c) => c.method === "POST")).toBe(false);
  });

  it("says how many points are missing when Tally answers insufficient_points", async () => {
    setUp({}, (call) =>
      call.method === "POST"
        ? [409, { error: "insufficient_points", balance: 100, pointsNeeded: 200 }]
        : [200, member()],
    );
    render(<Reductions />);
    fireEvent.click((await screen.findAllByText("Redeem"))[0]!);
    expect(await screen.findByText("Free shipping needs 200 points; you have 100. No points were spent.")).toBeTruthy();
    expect(shopify.applyDiscountCodeChange).not.toHaveBeenCalled();
  });

  it("retries an unanswered redemption with the same Idempotency-Key", async () => {
    let attempts = 0;
    const { calls } = setUp({}, (call) => {
      if (call.method !== "POST") return [200, member()];
      attempts += 1;
      if (attempts === 1) throw new TypeError("network down");
      return [200, { redemption: code({ code: "TALLY-RETRY" }) }];
    });
    render(<Reductions />);
    fireEvent.click((await screen.findAllByText("Redeem"))[1]!);
    expect(
      await screen.findByText("We couldn't confirm your reward. Try again: you won't be charged twice."),
    ).toBeTruthy();
    fireEvent.click(screen.getAllByText("Redeem")[1]!);
    expect(await screen.findByText("Code TALLY-RETRY applied to your order.")).toBeTruthy();
    const posts = calls.filter((c) => c.method === "POST");
    expect(posts).toHaveLength(2);
    expect(posts[1]!.headers["idempotency-key"]).toBe(posts[0]!.headers["idempotency-key"]);
  });

  it("says the points came back when Shopify refused to create the code", async () => {
    setUp({}, (call) =>
      call.method === "POST"
        ? [502, { error: "code_not_created", redemption: code({ status: "failed" }) }]
        : [200, member()],
    );
    render(<Reductions />);
    fireEvent.click((await screen.findAllByText("Redeem"))[0]!);
    expect(
      await screen.findByText("The reward code couldn't be created, so your points were given back."),
    ).toBeTruthy();
    expect(shopify.applyDiscountCodeChange).not.toHaveBeenCalled();
  });

  it("points at the next reward when none is affordable yet", async () => {
    setUp({}, () => [
      200,
      member({
        points: { balance: 120, pending: 30, expiringNext: null },
        rewards: member().rewards.map((r) => ({ ...r, available: false })),
      }),
    ]);
    render(<Reductions />);
    expect(await screen.findByText("You have 120 reward points. (30 more pending)")).toBeTruthy();
    expect(screen.getByText("80 more points for Free shipping.")).toBeTruthy();
    expect(screen.queryByText("Redeem")).toBeNull();
  });

  it("stays quiet, spending nothing, when Tally cannot be reached", async () => {
    setUp({}, () => {
      throw new TypeError("offline");
    });
    render(<Reductions />);
    expect(await screen.findByText("Your reward points can't be shown right now.")).toBeTruthy();
  });
});

describe("checkout reductions in the buyer's language", () => {
  // French says "0 point" and "1 point" in the singular; Japanese has no plural.
  const few = (balance: number) =>
    member({
      points: { balance, pending: 0, expiringNext: null },
      rewards: [
        { id: "ship", name: "Free shipping", type: "free_shipping", pointsCost: 1, available: true },
        { id: "gift", name: "Gift", type: "free_product", pointsCost: 1200, available: true },
      ],
    });

  it("French: 0 and 1 point singular, more plural, French digit grouping", async () => {
    setUp({ locale: "fr" }, () => [200, few(0)]);
    render(<Reductions />);
    expect(await screen.findByText("Vous avez 0 point de fidélité.")).toBeTruthy();
    cleanup();
    setUp({ locale: "fr" }, () => [200, few(1)]);
    render(<Reductions />);
    expect(await screen.findByText("Vous avez 1 point de fidélité.")).toBeTruthy();
    expect(screen.getByText("Free shipping · 1 point")).toBeTruthy();
    // Testing Library reads French grouping's narrow no-break space as a space.
    expect(screen.getByText("Gift · 1 200 points")).toBeTruthy();
  });

  it("Japanese: one form for every count", async () => {
    setUp({ locale: "ja" }, () => [200, few(1)]);
    render(<Reductions />);
    expect(await screen.findByText("1ポイントをお持ちです。")).toBeTruthy();
    expect(screen.getByText("Free shipping · 1ポイント")).toBeTruthy();
    expect(screen.getByText("Gift · 1,200ポイント")).toBeTruthy();
  });

  it("English: 1 point, 2 points", async () => {
    setUp({}, () => [200, few(1)]);
    render(<Reductions />);
    expect(await screen.findByText("You have 1 reward point.")).toBeTruthy();
    expect(screen.getByText("Free shipping · 1 point")).toBeTruthy();
    expect(screen.getByText("Gift · 1,200 points")).toBeTruthy();
  });
});
