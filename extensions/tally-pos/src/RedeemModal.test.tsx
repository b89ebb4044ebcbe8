// @vitest-environment happy-dom
/** @jsxImportSource preact */
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import messages from "../locales/en.default.json";
import { fakeFetch, fakePosShopify, type FakeCall, type FakePosOptions } from "../../shared/test-support/fake-shopify";
import { HomeTile } from "./HomeTile";
import type { PosMember, PosRedemption } from "./pos-api";
import { RedeemModal } from "./RedeemModal";

const APP = "https://tally.test";
const UNTIL = "2026-12-01T10:30:00.000Z";

const member = (balance = 650): PosMember => ({
  loggedIn: true,
  customerId: "7101",
  points: { balance, pending: 0, expiringNext: null },
  tier: null,
  tierProgress: null,
  rewards: [
    { id: "five-off", name: "5 off", type: "fixed_amount", pointsCost: 500, available: balance >= 500 },
    { id: "credit", name: "Store credit", type: "store_credit", pointsCost: 100, available: balance >= 100 },
  ],
  redemptions: [],
  program: { enabled: true },
});

const redemption = (overrides: Partial<PosRedemption> = {}): PosRedemption => ({
  id: "r1",
  code: "TALLY-POS1",
  pointsSpent: 500,
  status: "active",
  expiresAt: "2026-12-31T00:00:00.000Z",
  ...overrides,
});

let shopify: ReturnType<typeof fakePosShopify>;
function setUp(handler: (call: FakeCall) => [number, unknown], options: FakePosOptions = { cartCustomerId: 7101 }) {
  shopify = fakePosShopify(messages, options);
  vi.stubGlobal("shopify", shopify);
  const fake = fakeFetch(handler);
  vi.stubGlobal("fetch", fake.fetch);
  return fake;
}

beforeEach(() => {
  vi.stubEnv("APP_URL", APP);
  vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-12-01T10:00:00.000Z") });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("the home tile", () => {
  it("asks for a customer in the cart, and opens the modal", () => {
    const { calls } = setUp(() => [200, member()], { cartCustomerId: null });
    render(<HomeTile />);
    const tile = document.querySelector("s-tile")!;
    expect(tile.getAttribute("subheading")).toBe("Add a customer to redeem");
    fireEvent.click(tile);
    expect(shopify.action.presentModal).toHaveBeenCalledOnce();
    expect(calls).toEqual([]);
  });

  it("shows the cart customer's points, and follows the cart when the customer changes", async () => {
    const { calls } = setUp((call) => [200, call.url.includes("/7102?") ? member(120) : member()]);
    render(<HomeTile />);
    const tile = document.querySelector("s-tile")!;
    await waitFor(() => expect(tile.getAttribute("subheading")).toBe("650 points to spend"));
    await shopify.cart.setCustomer({ id: 7102 });
    await waitFor(() => expect(tile.getAttribute("subheading")).toBe("120 points to spend"));
    expect(calls.map((call) => call.url)).toEqual([
      `${APP}/api/pos/members/7101?locale=en`,
      `${APP}/api/pos/members/7102?locale=en`,
    ]);
  });
});

describe("redeeming for the cart customer", () => {
  it("asks for a customer in the cart first", () => {
    setUp(() => [200, member()], { cartCustomerId: null });
    render(<RedeemModal />);
    expect(screen.getByText("Add a customer to the cart to redeem their points.")).toBeTruthy();
  });

  it("redeems with the staff member and location, applies the code to the POS cart, and undoes it if the sale is abandoned", async () => {
    let balance = 650;
    const { calls } = setUp((call) => {
      if (call.url.endsWith("/api/pos/redemptions")) {
        balance -= 500;
        return [201, { redemption: redemption(), reversibleUntil: UNTIL }];
      }
      if (call.url.endsWith("/reverse")) {
        balance += 500;
        return [
          200,
          { redemption: redemption({ status: "reversed" as PosRedemption["status"] }), pointsReturned: 500 },
        ];
      }
      return [200, member(balance)];
    });
    render(<RedeemModal />);
    expect(await screen.findByText("650 points available")).toBeTruthy();
    fireEvent.click(screen.getAllByText("Redeem")[1]!);
    expect(await screen.findByText("Code TALLY-POS1 is applied to the cart.")).toBeTruthy();
    expect(shopify.cart.addCartCodeDiscount).toHaveBeenCalledWith("TALLY-POS1");
    expect(shopify.cart.current.value.cartDiscount).toEqual({ code: "TALLY-POS1" });
    const post = calls.find((call) => call.method === "POST")!;
    expect(post.body).toEqual({ customerId: 7101, rewardId: "five-off", staffMemberId: 5001, locationId: 64000001 });
    expect(post.headers["idempotency-key"]).toMatch(/.{8,}/);
    expect(post.headers.authorization).toBe("Bearer header.payload.signature");
    expect(await screen.findByText("150 points available")).toBeTruthy();
    expect(screen.getByText(/^Can be undone until/)).toBeTruthy();

    fireEvent.click(screen.getByText("Undo (sale abandoned)"));
    expect(await screen.findByText("Undone: 500 points returned to the customer.")).toBeTruthy();
    expect(calls.filter((call) => call.method === "POST").map((call) => call.url)).toEqual([
      `${APP}/api/pos/redemptions`,
      `${APP}/api/pos/redemptions/r1/reverse`,
    ]);
    expect(shopify.cart.current.value.cartDiscount).toBeUndefined();
    expect(await screen.findByText("650 points available")).toBeTruthy();
    expect(screen.queryByText("Undo (sale abandoned)")).toBeNull();
  });

  it("shows store credit as an amount on the customer's account: no code, no undo", async () => {
    const { calls } = setUp((call) =>
      call.method === "POST"
        ? [
            201,
            {
              redemption: redemption({
                code: null,
                pointsSpent: 300,
                storeCredit: { amount: "3.00", currencyCode: "EUR" },
              }),
              reversibleUntil: UNTIL,
            },
          ]
        : [200, member()],
    );
    const { container } = render(<RedeemModal />);
    await screen.findByText("650 points available");
    const field = container.querySelector("s-number-field") as HTMLElement & { value: string };
    field.value = "300";
    fireEvent.input(field);
    fireEvent.click(screen.getAllByText("Redeem")[0]!);
    expect(
      await screen.findByText("€3.00 of store credit is on the customer's account: choose store credit at payment."),
    ).toBeTruthy();
    expect(calls.find((call) => call.method === "POST")!.body).toMatchObject({ rewardId: "credit", points: 300 });
    expect(shopify.cart.addCartCodeDiscount).not.toHaveBeenCalled();
    expect(screen.queryByText("Undo (sale abandoned)")).toBeNull();
  });

  it("shows the code to enter by hand when the cart refuses it", async () => {
    setUp(
      (call) =>
        call.method === "POST" ? [201, { redemption: redemption(), reversibleUntil: UNTIL }] : [200, member()],
      { cartCustomerId: 7101, addCodeError: new Error("cart is not editable") },
    );
    render(<RedeemModal />);
    await screen.findByText("650 points available");
    fireEvent.click(screen.getAllByText("Redeem")[1]!);
    expect(await screen.findByText("Enter code TALLY-POS1 in the cart's discounts.")).toBeTruthy();
  });

  it("says what is missing when the points do not suffice", async () => {
    setUp((call) =>
      call.method === "POST"
        ? [409, { error: "insufficient_points", balance: 450, pointsNeeded: 500 }]
        : [200, member()],
    );
    render(<RedeemModal />);
    await screen.findByText("650 points available");
    fireEvent.click(screen.getAllByText("Redeem")[1]!);
    expect(await screen.findByText("Not enough points: 500 points needed, 450 points available.")).toBeTruthy();
  });

  it("retries with the same Idempotency-Key after no answer, so the points are never spent twice", async () => {
    let attempts = 0;
    const { calls } = setUp((call) => {
      if (call.method !== "POST") return [200, member()];
      attempts++;
      if (attempts === 1) throw new Error("network down");
      return [201, { redemption: redemption({ id: "r2" }), reversibleUntil: UNTIL }];
    });
    render(<RedeemModal />);
    await screen.findByText("650 points available");
    fireEvent.click(screen.getAllByText("Redeem")[1]!);
    expect(await screen.findByText("No answer from Tally. Try again: the points won't be spent twice.")).toBeTruthy();
    fireEvent.click(screen.getAllByText("Redeem")[1]!);
    expect(await screen.findByText("Code TALLY-POS1 is applied to the cart.")).toBeTruthy();
    const keys = calls.filter((call) => call.method === "POST").map((call) => call.headers["idempotency-key"]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it("says why an undo is refused", async () => {
    let refusal: [number, unknown] = [503, { error: "shopify_unavailable" }];
    setUp((call) => {
      if (call.url.endsWith("/reverse")) return refusal;
      if (call.method === "POST") return [201, { redemption: redemption({ id: "r3" }), reversibleUntil: UNTIL }];
      return [200, member()];
    });
    render(<RedeemModal />);
    await screen.findByText("650 points available");
    fireEvent.click(screen.getAllByText("Redeem")[1]!);
    fireEvent.click(await screen.findByText("Undo (sale abandoned)"));
    expect(
      await screen.findByText("Shopify can't be reached to check the code. Try Undo again in a moment."),
    ).toBeTruthy();
    refusal = [409, { error: "window_passed" }];
    fireEvent.click(screen.getByText("Undo (sale abandoned)"));
    expect(await screen.findByText("Too late to undo: a redemption can be undone for 30 minutes.")).toBeTruthy();
    expect(shopify.cart.removeCartDiscount).not.toHaveBeenCalled();
  });

  it("puts a code the customer already holds on the cart", async () => {
    const held = redemption({ id: "r9", code: "TALLY-ONLINE" });
    setUp(() => [
      200,
      { ...member(), redemptions: [held, redemption({ id: "r8", code: "TALLY-SOON", status: "pending" })] },
    ]);
    render(<RedeemModal />);
    expect(await screen.findByText("TALLY-ONLINE")).toBeTruthy();
    fireEvent.click(await screen.findByText("Apply to cart"));
    expect(await screen.findByText("Code TALLY-ONLINE is applied to the cart.")).toBeTruthy();
    expect(shopify.cart.addCartCodeDiscount).toHaveBeenCalledWith("TALLY-ONLINE");
    expect(screen.queryByText("TALLY-SOON")).toBeNull();
  });
});
