// @vitest-environment happy-dom
/** @jsxImportSource preact */
import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import messages from "../locales/en.default.json";
import french from "../locales/fr.json";
import japanese from "../locales/ja.json";
import { fakeCustomerAccountShopify, fakeFetch } from "../../shared/test-support/fake-shopify";
import type { ActivityEntry, Member, Redemption } from "../../shared/tally-api";
import { LoyaltyPage } from "./LoyaltyPage";
import { ProfileBlock } from "./ProfileBlock";

const APP = "https://tally.test";

const member = (overrides: Partial<Member> = {}): Member => ({
  loggedIn: true,
  points: { balance: 650, pending: 40, expiringNext: { points: 200, at: "2027-03-01T00:00:00.000Z" } },
  tier: { id: "silver", name: "Silver" },
  tierProgress: {
    metric: "points_earned",
    period: "lifetime",
    value: 650,
    next: { id: "gold", name: "Gold", threshold: 1000, remaining: 350 },
  },
  rewards: [
    { id: "five-off", name: "5 off", type: "fixed_amount", pointsCost: 500, available: true },
    { id: "big", name: "50 off", type: "fixed_amount", pointsCost: 5000, available: false },
    { id: "gold-gift", name: "Gold gift", type: "free_product", pointsCost: 100, available: false },
  ],
  redemptions: [],
  program: { enabled: true },
  ...overrides,
});

const entry = (id: string, description: string, points: number, pending = false): ActivityEntry => ({
  id,
  at: "2026-11-20T10:00:00.000Z",
  kind: points > 0 ? "earn" : "redeem",
  points,
  pending,
  description,
});

const code: Redemption = {
  id: "r1",
  code: "TALLY-NEW",
  pointsSpent: 500,
  status: "active",
  expiresAt: "2026-12-24T00:00:00.000Z",
};

let shopify: ReturnType<typeof fakeCustomerAccountShopify>;
function setUp(handler: Parameters<typeof fakeFetch>[0], locale = "en") {
  const translations = { en: messages, fr: french, ja: japanese }[locale as "en"];
  shopify = fakeCustomerAccountShopify(translations, "gid://shopify/Customer/7001", locale);
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

describe("customer account Rewards page", () => {
  it("shows the balance, pending and expiring points, the tier and the way to the next one", async () => {
    setUp((call) => (call.url.includes("/activity") ? [200, { entries: [], nextCursor: null }] : [200, member()]));
    const { container } = render(<LoyaltyPage />);
    expect(await screen.findByText("650 points")).toBeTruthy();
    expect(screen.getByText(/^40 more pending/)).toBeTruthy();
    expect(screen.getByText("200 points expire on Mar 1, 2027.")).toBeTruthy();
    expect(screen.getByText("You are Silver.")).toBeTruthy();
    expect(screen.getByText("Earn 350 more points to reach Gold.")).toBeTruthy();
    // Set as attributes here (happy-dom has no s-progress element); the host's element takes them as properties.
    const bar = container.querySelector("s-progress")!;
    expect([bar.getAttribute("value"), bar.getAttribute("max")]).toEqual(["0.65", "1"]);
  });

  it("says what the member's tier gets at checkout, with no code", async () => {
    const tier: Member["tier"] = {
      id: "silver",
      name: "Silver",
      perks: [
        { type: "percentage_off", percentage: 10, collectionIds: [] },
        { type: "free_shipping", minimumSubtotal: 50, currencyCode: "USD" },
      ],
    };
    setUp((call) =>
      call.url.includes("/activity") ? [200, { entries: [], nextCursor: null }] : [200, member({ tier })],
    );
    render(<LoyaltyPage />);
    expect(await screen.findByText("Silver: 10% off everything, applied at checkout")).toBeTruthy();
    expect(screen.getByText("Silver: free shipping on orders from $50.00, applied at checkout")).toBeTruthy();
  });

  it("lists every reward: Redeem for those in reach, what is missing for the others", async () => {
    setUp((call) => (call.url.includes("/activity") ? [200, { entries: [], nextCursor: null }] : [200, member()]));
    render(<LoyaltyPage />);
    expect(await screen.findByText("5 off")).toBeTruthy();
    expect(screen.getAllByText("Redeem")).toHaveLength(1);
    expect(screen.getByText("4,350 more points")).toBeTruthy();
    expect(screen.getByText("Not available")).toBeTruthy(); // a tier-only reward
  });

  it("redeems with the session token and an Idempotency-Key and shows the new code to copy", async () => {
    let redeemed = false;
    const { calls } = setUp((call) => {
      if (call.url.includes("/activity"))
        return [200, { entries: redeemed ? [entry("e2", "Redeemed: 5 off", -500)] : [], nextCursor: null }];
      if (call.method === "POST") return ((redeemed = true), [201, { redemption: code }]);
      return [
        200,
        member(redeemed ? { points: { balance: 150, pending: 40, expiringNext: null }, redemptions: [code] } : {}),
      ];
    });
    render(<LoyaltyPage />);
    fireEvent.click(await screen.findByText("Redeem"));
    expect(
      await screen.findByText("Your code TALLY-NEW is ready: enter it at checkout until Dec 24, 2026."),
    ).toBeTruthy();
    const post = calls.find((c) => c.method === "POST")!;
    expect(post).toMatchObject({ url: `${APP}/api/extension/redemptions`, body: { rewardId: "five-off" } });
    expect(post.headers.authorization).toBe("Bearer header.payload.signature");
    expect(post.headers["idempotency-key"]).toBeTruthy();
    expect(await screen.findByText("150 points")).toBeTruthy();
    expect(screen.getByText("TALLY-NEW")).toBeTruthy();
    expect(screen.getByText("Use at checkout until Dec 24, 2026")).toBeTruthy();
    expect(document.querySelector("s-clipboard-item")?.getAttribute("id")).toBe("code-r1");
    expect(screen.getByText("Redeemed: 5 off")).toBeTruthy();
  });

  it("lists the actions to claim with their link: opening one claims it, then it says Claimed · +50 points", async () => {
    let claimed = false;
    const actions = (status: "open" | "claimed") => [
      { key: "instagram", name: "Follow us on Instagram", points: 50, url: "https://instagram.com/shop", status },
      {
        key: "blog",
        name: "Read our blog",
        points: 5,
        url: "https://example.com/blog",
        status: "limit_reached" as const,
      },
    ];
    const { calls } = setUp((call) => {
      if (call.url.includes("/activity")) return [200, { entries: [], nextCursor: null }];
      if (call.method === "POST")
        return ((claimed = true), [201, { action: "instagram", status: "claimed", points: 50, balance: 700 }]);
      return [
        200,
        member({
          points: { balance: claimed ? 700 : 650, pending: 0, expiringNext: null },
          actions: actions(claimed ? "claimed" : "open"),
        }),
      ];
    });
    const { container } = render(<LoyaltyPage />);
    expect(await screen.findByText("Follow us on Instagram")).toBeTruthy();
    expect(container.querySelector('s-section[heading="Earn more points"]')).toBeTruthy();
    expect(screen.getByText("Already earned")).toBeTruthy();
    const open = screen.getByText("Open");
    // The link opens in a new tab (the host's button follows href and target).
    expect([open.getAttribute("href"), open.getAttribute("target")]).toEqual(["https://instagram.com/shop", "_blank"]);
    fireEvent.click(open);
    expect(await screen.findByText("+50 points for “Follow us on Instagram”.")).toBeTruthy();
    expect(calls.find((c) => c.method === "POST")).toMatchObject({
      url: `${APP}/api/extension/actions/claim`,
      body: { action: "instagram" },
    });
    expect(await screen.findByText("Claimed · +50 points")).toBeTruthy();
    expect(screen.getByText("700 points")).toBeTruthy();
    expect(screen.queryByText("Open")).toBeNull();
  });

  it("says so when a claim is refused, and shows nothing to claim when the program has no such action", async () => {
    setUp((call) => {
      if (call.url.includes("/activity")) return [200, { entries: [], nextCursor: null }];
      if (call.method === "POST") return [409, { error: "limit_reached" }];
      return [
        200,
        member({
          actions: [{ key: "ig", name: "Follow us", points: 50, url: "https://instagram.com/shop", status: "open" }],
        }),
      ];
    });
    render(<LoyaltyPage />);
    fireEvent.click(await screen.findByText("Open"));
    expect(await screen.findByText("You've already earned the points for this action.")).toBeTruthy();
    cleanup();
    setUp((call) => (call.url.includes("/activity") ? [200, { entries: [], nextCursor: null }] : [200, member()]));
    const { container } = render(<LoyaltyPage />);
    expect(await screen.findByText("650 points")).toBeTruthy();
    expect(container.querySelector('s-section[heading="Earn more points"]')).toBeNull();
  });

  it("converts points to store credit and shows it: your store credit, from how many points", async () => {
    const credit: Redemption = {
      id: "r9",
      code: null,
      pointsSpent: 600,
      status: "active",
      expiresAt: null,
      storeCredit: { amount: "6.00", currencyCode: "USD" },
    };
    let converted = false;
    const offer = (balance: number) => ({
      id: "credit",
      name: "Store credit",
      type: "store_credit",
      pointsCost: balance,
      available: true,
      storeCredit: {
        amount: (balance / 100).toFixed(2),
        currencyCode: "USD",
        pointsPerStep: 100,
        minPoints: 100,
        maxPoints: 5000,
      },
    });
    const { calls } = setUp((call) => {
      if (call.url.includes("/activity")) return [200, { entries: [], nextCursor: null }];
      if (call.method === "POST") return ((converted = true), [201, { redemption: credit }]);
      return [
        200,
        converted
          ? member({
              points: { balance: 50, pending: 0, expiringNext: null },
              rewards: [{ ...offer(100), available: false }],
              redemptions: [credit],
              storeCredit: { amount: "6.00", currencyCode: "USD", fromPoints: 600 },
            })
          : member({ points: { balance: 650, pending: 0, expiringNext: null }, rewards: [offer(600)] }),
      ];
    });
    render(<LoyaltyPage />);
    expect(await screen.findByText("600 points for $6.00 of store credit")).toBeTruthy();
    fireEvent.click(screen.getByText("Redeem"));
    expect(
      await screen.findByText("Done: $6.00 of store credit is in your account. It's applied at checkout."),
    ).toBeTruthy();
    expect(calls.find((c) => c.method === "POST")).toMatchObject({ body: { rewardId: "credit", points: 600 } });
    expect(await screen.findByText("Your store credit: $6.00, from 600 points")).toBeTruthy();
    // No code to copy.
    expect(screen.queryByText("Your codes")).toBeNull();
  });

  it("lets the shopper choose how many points become store credit, in whole steps", async () => {
    const offer = {
      id: "credit",
      name: "Store credit",
      type: "store_credit",
      pointsCost: 600,
      available: true,
      storeCredit: { amount: "6.00", currencyCode: "USD", pointsPerStep: 100, minPoints: 100, maxPoints: 5000 },
    };
    const { calls } = setUp((call) => {
      if (call.url.includes("/activity")) return [200, { entries: [], nextCursor: null }];
      if (call.method === "POST") return [409, { error: "insufficient_points", balance: 0, pointsNeeded: 200 }];
      return [200, member({ points: { balance: 650, pending: 0, expiringNext: null }, rewards: [offer] })];
    });
    render(<LoyaltyPage />);
    expect(await screen.findByText("600 points for $6.00 of store credit")).toBeTruthy();
    const field = document.querySelector("s-number-field") as HTMLElement & { value: string };
    expect(field.getAttribute("label")).toBe("Points to convert");
    // 250 is not a whole step: the shopper converts 200.
    field.value = "250";
    fireEvent.change(field);
    expect(await screen.findByText("200 points for $2.00 of store credit")).toBeTruthy();
    fireEvent.click(screen.getByText("Redeem"));
    await vi.waitFor(() =>
      expect(calls.find((c) => c.method === "POST")).toMatchObject({ body: { rewardId: "credit", points: 200 } }),
    );
  });

  it("says store credit is off when the shop has not turned it on", async () => {
    setUp((call) =>
      call.url.includes("/activity")
        ? [200, { entries: [], nextCursor: null }]
        : [
            200,
            member({
              rewards: [
                {
                  id: "credit",
                  name: "Store credit",
                  type: "store_credit",
                  pointsCost: 600,
                  available: false,
                  reason: "store_credit_disabled",
                },
              ],
            }),
          ],
    );
    render(<LoyaltyPage />);
    expect(await screen.findByText("Store credit is off")).toBeTruthy();
  });

  it("says how many points are missing when Tally answers insufficient_points", async () => {
    setUp((call) => {
      if (call.url.includes("/activity")) return [200, { entries: [], nextCursor: null }];
      if (call.method === "POST") return [409, { error: "insufficient_points", balance: 300, pointsNeeded: 500 }];
      return [200, member()];
    });
    render(<LoyaltyPage />);
    fireEvent.click(await screen.findByText("Redeem"));
    expect(await screen.findByText("5 off needs 500 points; you have 300. No points were spent.")).toBeTruthy();
  });

  it("pages through the activity, newest first", async () => {
    const { calls } = setUp((call) => {
      if (call.url.endsWith("/activity"))
        return [
          200,
          {
            entries: [entry("e3", "Earned on order #1003", 30, true), entry("e2", "Earned on order #1002", 20)],
            nextCursor: "e2",
          },
        ];
      if (call.url.includes("/activity?cursor=e2"))
        return [200, { entries: [entry("e1", "Earned on order #1001", 10)], nextCursor: null }];
      return [200, member()];
    });
    render(<LoyaltyPage />);
    expect(await screen.findByText("Earned on order #1003")).toBeTruthy();
    expect(screen.getByText("+30")).toBeTruthy();
    expect(screen.getByText("Pending")).toBeTruthy();
    fireEvent.click(screen.getByText("Show more"));
    expect(await screen.findByText("Earned on order #1001")).toBeTruthy();
    expect(screen.queryByText("Show more")).toBeNull();
    expect(calls.filter((c) => c.url.includes("/activity")).map((c) => c.url)).toEqual([
      `${APP}/api/extension/member/activity`,
      `${APP}/api/extension/member/activity?cursor=e2`,
    ]);
  });

  it("says so when Tally cannot be reached", async () => {
    setUp(() => [503, {}]);
    render(<LoyaltyPage />);
    expect(await screen.findByText("Your rewards can't be shown right now. Please try again later.")).toBeTruthy();
  });

  it("shows no points, rewards or codes while the program is off for shoppers (no plan approved yet)", async () => {
    setUp((call) =>
      call.url.includes("/activity")
        ? [200, { entries: [entry("e1", "Order #1001", 650)], nextCursor: null }]
        : [200, member({ redemptions: [code], program: { enabled: false } })],
    );
    const { container } = render(<LoyaltyPage />);
    expect(await screen.findByText("Our rewards program isn't available right now.")).toBeTruthy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (const hidden of ["650", "Redeem", "TALLY-NEW", "Order #1001"])
      expect(container.textContent).not.toContain(hidden);
  });
});

describe("customer account Rewards page in the customer's language", () => {
  // One point of everything: where French says "1 point", and English too, but Japanese has no plural.
  const single = member({
    points: { balance: 1, pending: 0, expiringNext: { points: 1, at: "2027-03-01T00:00:00.000Z" } },
    tierProgress: {
      metric: "amount_spent",
      period: "lifetime",
      value: 80,
      currency: "USD",
      next: { id: "gold", name: "Gold", threshold: 1314.5, remaining: 1234.5 },
    },
    rewards: [{ id: "five-off", name: "5 off", type: "fixed_amount", pointsCost: 2, available: false }],
  });
  const answer = (call: { url: string }): [number, unknown] =>
    call.url.includes("/activity") ? [200, { entries: [], nextCursor: null }] : [200, single];

  it("French: 1 point in the singular, French dates and digit grouping, spending in the shop's currency", async () => {
    setUp(answer, "fr");
    render(<LoyaltyPage />);
    expect(await screen.findByText("1 point")).toBeTruthy();
    expect(screen.getByText("1 point expire le 1 mars 2027.")).toBeTruthy();
    // Testing Library reads the (narrow) no-break spaces of French grouping as spaces.
    expect(screen.getByText("Dépensez encore 1 234,50 $US pour atteindre Gold.")).toBeTruthy();
    expect(screen.getByText("Encore 1 point")).toBeTruthy();
  });

  it("Japanese: no plural", async () => {
    setUp(answer, "ja");
    render(<LoyaltyPage />);
    expect(await screen.findByText("1ポイント")).toBeTruthy();
    expect(screen.getByText("1ポイントが2027/03/01に失効します。")).toBeTruthy();
    expect(screen.getByText("あと$1,234.50のお買い物でGoldに到達します。")).toBeTruthy();
    expect(screen.getByText("あと1ポイント")).toBeTruthy();
  });

  it("English: the singular for one point, the plural for more", async () => {
    setUp(answer);
    render(<LoyaltyPage />);
    expect(await screen.findByText("1 point expires on Mar 1, 2027.")).toBeTruthy();
    expect(screen.getByText("Spend $1,234.50 more to reach Gold.")).toBeTruthy();
    expect(screen.getByText("1 more point")).toBeTruthy();
  });
});

describe("customer account profile block", () => {
  it("shows the balance and tier, and links to the Rewards page", async () => {
    setUp(() => [200, member()]);
    const { container } = render(<ProfileBlock />);
    expect(await screen.findByText("650 points · Silver")).toBeTruthy();
    expect(container.querySelector("s-link")?.getAttribute("href")).toBe("extension:tally-customer-account/");
  });

  it("shows nothing when Tally cannot be reached", async () => {
    setUp(() => {
      throw new TypeError("offline");
    });
    const { container } = render(<ProfileBlock />);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(container.textContent).toBe("");
  });

  it("shows nothing while the program is off for shoppers", async () => {
    setUp(() => [200, member({ program: { enabled: false } })]);
    const { container } = render(<ProfileBlock />);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(container.textContent).toBe("");
  });
});
