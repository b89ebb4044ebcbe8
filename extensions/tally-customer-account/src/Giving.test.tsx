// @vitest-environment happy-dom
/** @jsxImportSource preact */
import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import messages from "../locales/en.default.json";
import { fakeCustomerAccountShopify, fakeFetch, type FakeCall } from "../../shared/test-support/fake-shopify";
import type { Member, MemberGiving, ProgramGiving } from "../../shared/tally-api";
import { LoyaltyPage } from "./LoyaltyPage";

const APP = "https://tally.test";

/** The member API's giving parts (docs/giving.md): what the member gave this year, and the causes. */
const PROGRAM_GIVING: ProgramGiving = {
  causes: [
    { id: "ocean", name: "Ocean Cleanup", description: "Plastic out of the sea", url: null },
    { id: "trees", name: "Trees for All", description: "", url: null },
  ],
  defaultCauseId: "trees",
  points: { enabled: true, pointsPerUnit: 100, step: 100 },
};
const GIVEN: MemberGiving = { year: 2026, givenCents: 1240, currencyCode: "EUR", pointsGiven: 0 };

const member = (change: Partial<Member> = {}, giving: ProgramGiving | null = PROGRAM_GIVING): Member => ({
  loggedIn: true,
  points: { balance: 380, pending: 0, expiringNext: null },
  tier: null,
  rewards: [],
  redemptions: [],
  giving: giving && GIVEN,
  program: { enabled: true, giving },
  ...change,
});

function setUp(handler: (call: FakeCall) => [number, unknown]) {
  vi.stubGlobal("shopify", fakeCustomerAccountShopify(messages));
  const fake = fakeFetch((call) =>
    call.url.includes("/activity") ? [200, { entries: [], nextCursor: null }] : handler(call),
  );
  vi.stubGlobal("fetch", fake.fetch);
  return fake;
}

const section = () => document.querySelector('s-section[heading="Giving back"]');
const pointsField = () => document.querySelector("s-number-field") as HTMLElement & { value: string };
const donations = (calls: FakeCall[]) => calls.filter((c) => c.url.endsWith("/api/extension/donations"));

beforeEach(() => vi.stubEnv("APP_URL", APP));
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe("giving back on the Rewards page", () => {
  it("says what the member gave this year, and gives points in whole steps to the chosen cause", async () => {
    let balance = 380;
    const { calls } = setUp((call) => {
      if (call.method === "POST") {
        balance -= 300;
        return [
          201,
          { donation: { id: "d1", causeId: "ocean", points: 300, valueCents: 300, currencyCode: "EUR" }, balance },
        ];
      }
      return [200, member({ points: { balance, pending: 0, expiringNext: null } })];
    });
    render(<LoyaltyPage />);
    expect(await screen.findByText("You gave €12.40 this year.")).toBeTruthy();
    // The default cause first; the shopper picks another.
    const select = section()!.querySelector("s-select") as HTMLElement & { value: string };
    expect(select.getAttribute("value")).toBe("trees");
    select.value = "ocean";
    fireEvent.change(select);
    expect(await screen.findByText("Plastic out of the sea")).toBeTruthy();
    // 380 points: up to 300, in steps of 100; 250 typed gives 200, then 300.
    expect(pointsField().getAttribute("max")).toBe("300");
    pointsField().value = "250";
    fireEvent.change(pointsField());
    expect(await screen.findByText("200 points are worth €2.00.")).toBeTruthy();
    pointsField().value = "300";
    fireEvent.change(pointsField());
    fireEvent.click(await screen.findByText("Give 300 points"));
    expect(await screen.findByText("Thank you! You gave 300 points (€3.00) to Ocean Cleanup.")).toBeTruthy();
    const [donation] = donations(calls);
    expect(donation).toMatchObject({
      method: "POST",
      body: { causeId: "ocean", points: 300 },
      headers: { authorization: "Bearer header.payload.signature", "idempotency-key": expect.any(String) },
    });
    // The page reloads the member: 80 points left, too few to give.
    await vi.waitFor(() => expect(document.querySelector("s-number-field")).toBeNull());
  });

  it("retries a gift Tally did not confirm with the same Idempotency-Key, and a new gift with a new one", async () => {
    const answers: [number, unknown][] = [
      [503, {}],
      [
        200,
        { donation: { id: "d1", causeId: "trees", points: 100, valueCents: 100, currencyCode: "EUR" }, balance: 280 },
      ],
      [
        201,
        { donation: { id: "d2", causeId: "trees", points: 100, valueCents: 100, currencyCode: "EUR" }, balance: 180 },
      ],
    ];
    const { calls } = setUp((call) => (call.method === "POST" ? answers.shift()! : [200, member()]));
    render(<LoyaltyPage />);
    fireEvent.click(await screen.findByText("Give 100 points"));
    expect(await screen.findByText("Your gift couldn't be confirmed. Try again: you won't give twice.")).toBeTruthy();
    fireEvent.click(screen.getByText("Give 100 points"));
    expect(await screen.findByText("Thank you! You gave 100 points (€1.00) to Trees for All.")).toBeTruthy();
    fireEvent.click(screen.getByText("Give 100 points"));
    await vi.waitFor(() => expect(donations(calls)).toHaveLength(3));
    const keys = donations(calls).map((c) => c.headers["idempotency-key"]);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it.each([
    [
      409,
      { error: "insufficient_points", balance: 50, pointsNeeded: 100 },
      "That takes 100 points; you have 50 points. Nothing was given.",
    ],
    [422, { error: "invalid_points" }, "Give points in steps of 100 points."],
    [422, { error: "unknown_cause" }, "That cause isn't taking donations any more."],
    [409, { error: "giving_closed" }, "Giving points is closed right now."],
  ])("says why Tally refused a gift (%i %o)", async (status, body, text) => {
    setUp((call) => (call.method === "POST" ? [status, body] : [200, member()]));
    render(<LoyaltyPage />);
    fireEvent.click(await screen.findByText("Give 100 points"));
    expect(await screen.findByText(text)).toBeTruthy();
  });

  it("shows the year's gifts without the form while points giving is off, and nothing while giving is off", async () => {
    setUp(() => [200, member({}, { ...PROGRAM_GIVING, points: { ...PROGRAM_GIVING.points, enabled: false } })]);
    render(<LoyaltyPage />);
    expect(await screen.findByText("You gave €12.40 this year.")).toBeTruthy();
    expect(section()!.querySelector("s-button")).toBeNull();
    cleanup();

    setUp(() => [200, member({}, null)]);
    render(<LoyaltyPage />);
    await vi.waitFor(() => expect(document.querySelector("s-section")).not.toBeNull());
    expect(section()).toBeNull();
  });
});
