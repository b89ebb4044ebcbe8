import { describe, expect, it } from "vitest";
import {
  earnRequestSchema,
  partnerSettingsSchema,
  pointsForRequest,
  requestFingerprint,
  withinDailyCap,
  type PartnerRule,
} from "./partners";

const perAmount: PartnerRule = { earnMode: "per_amount", pointsPerUnit: 2, pointsPerEvent: 0 };
const perEvent: PartnerRule = { earnMode: "per_event", pointsPerUnit: 0, pointsPerEvent: 40 };
const request = (body: unknown) => earnRequestSchema.parse(body);

describe("what a partner's request earns", () => {
  it("per amount: minor units × points per unit, rounded down, without floating point", () => {
    expect(pointsForRequest(perAmount, { amount: "12.50", currency: "USD" }, "USD", 2)).toEqual({
      ok: true,
      points: 25,
      amountMinorUnits: 1250n,
    });
    // 0.29 × 3 is 0.87 in floats (0.8699999…); in minor units it is exactly 87 hundredths: 0 points.
    expect(
      pointsForRequest({ ...perAmount, pointsPerUnit: 3 }, { amount: "0.29", currency: "USD" }, "USD", 2),
    ).toMatchObject({
      ok: false,
      error: "no_points",
    });
    expect(pointsForRequest(perAmount, { amount: "1000", currency: "JPY" }, "JPY", 0)).toMatchObject({ points: 2000 });
    // Exact up to the program's bound on one award, refused past it.
    expect(pointsForRequest(perAmount, { amount: "499999999.99", currency: "USD" }, "USD", 2)).toMatchObject({
      points: 999_999_999,
    });
    expect(pointsForRequest(perAmount, { amount: "500000000.50", currency: "USD" }, "USD", 2)).toMatchObject({
      error: "too_many_points",
    });
  });

  it("refuses another currency, naming both, instead of converting it", () => {
    const refused = pointsForRequest(perAmount, { amount: "10.00", currency: "EUR" }, "USD", 2);
    expect(refused).toMatchObject({ ok: false, error: "currency_mismatch" });
    expect(!refused.ok && refused.message).toMatch(/EUR.*USD/);
  });

  it("per event: the partner's points, or fewer, never more", () => {
    expect(pointsForRequest(perEvent, {}, "USD", 2)).toMatchObject({ ok: true, points: 40 });
    expect(pointsForRequest(perEvent, { points: 10 }, "USD", 2)).toMatchObject({ ok: true, points: 10 });
    expect(pointsForRequest(perEvent, { points: 41 }, "USD", 2)).toMatchObject({ error: "points_over_partner_limit" });
    expect(pointsForRequest(perEvent, { amount: "1.00", currency: "USD" }, "USD", 2)).toMatchObject({
      error: "amount_not_accepted",
    });
    expect(pointsForRequest(perAmount, { points: 5 }, "USD", 2)).toMatchObject({ error: "amount_required" });
  });

  it("the daily cap counts what was earned today plus this award", () => {
    expect(withinDailyCap(null, 1_000_000, 1)).toBe(true);
    expect(withinDailyCap(50, 30, 20)).toBe(true);
    expect(withinDailyCap(50, 30, 21)).toBe(false);
  });
});

describe("a partner's request body", () => {
  it("accepts an email or an id, and amount with currency or points", () => {
    expect(request({ customer: { email: "Ava@Example.com" }, points: 4, externalId: "x" }).customer).toEqual({
      email: "ava@example.com",
    });
    expect(request({ customer: { id: 7390000001 }, externalId: "x" }).customer).toEqual({ id: "7390000001" });
    expect(request({ customer: { id: "1" }, amount: "1.5", currency: "usd", externalId: "x" }).currency).toBe("USD");
  });

  it("refuses numbers as amounts, half pairs, both forms, unknown fields and odd externalIds", () => {
    const bad = [
      { customer: { id: "1" }, amount: 12.5, currency: "USD", externalId: "x" },
      { customer: { id: "1" }, amount: "12.50", externalId: "x" },
      { customer: { id: "1" }, amount: "12.50", currency: "USD", points: 3, externalId: "x" },
      { customer: { id: "1" }, externalId: "x", extra: true },
      { customer: { id: "1", email: "a@b.co" }, externalId: "x" },
      { customer: { id: "1" }, externalId: "" },
      { customer: { id: "1" }, externalId: "naïve" },
      { customer: { id: "1" }, points: 1.5, externalId: "x" },
    ];
    for (const body of bad) expect(earnRequestSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
  });

  it("has one fingerprint per content: a repeat matches, a change does not", () => {
    const first = request({ customer: { email: "a@b.co" }, amount: "12.50", currency: "USD", externalId: "x" });
    expect(requestFingerprint(first)).toBe(
      requestFingerprint(request({ customer: { email: "A@B.CO" }, amount: "12.5", currency: "usd", externalId: "x" })),
    );
    expect(requestFingerprint(first)).not.toBe(
      requestFingerprint(request({ customer: { email: "a@b.co" }, amount: "12.51", currency: "USD", externalId: "x" })),
    );
  });
});

describe("a partner's settings from the admin's form", () => {
  it("reads the form's text, an empty cap as none, and needs at least one point", () => {
    expect(
      partnerSettingsSchema.parse({
        name: " Café ",
        earnMode: "per_event",
        pointsPerEvent: "40",
        dailyCap: "",
        enrolNewCustomers: "true",
      }),
    ).toMatchObject({ name: "Café", pointsPerEvent: 40, dailyCap: null, pendingDays: 0, enrolNewCustomers: true });
    expect(
      partnerSettingsSchema.safeParse({ name: "Café", earnMode: "per_amount", pointsPerEvent: "40" }).success,
    ).toBe(false);
    expect(partnerSettingsSchema.safeParse({ name: "", earnMode: "per_event", pointsPerEvent: "1" }).success).toBe(
      false,
    );
    expect(
      partnerSettingsSchema.safeParse({ name: "x", earnMode: "per_event", pointsPerEvent: "1", pendingDays: "-1" })
        .success,
    ).toBe(false);
  });
});
