import { describe, expect, it } from "vitest";
import { minorUnitsPerUnit, roundUpAmount } from "./round-up";

describe("the round-up", () => {
  it("brings 45.27 to 46.00 with next_unit: 73 cents", () => {
    expect(roundUpAmount("next_unit", 4527, 100)).toBe(73);
  });

  it("brings 45.27 to 50.00 with next_5", () => {
    expect(roundUpAmount("next_5", 4527, 100)).toBe(473);
  });

  it("gives a full step when the subtotal is whole already, never 0", () => {
    expect(roundUpAmount("next_unit", 4500, 100)).toBe(100);
    expect(roundUpAmount("next_5", 4500, 100)).toBe(500);
    expect(roundUpAmount("next_unit", 0, 100)).toBe(100);
  });

  it("is the amount the shopper picked with fixed, in whole units", () => {
    expect(roundUpAmount("fixed", 4527, 100, 2)).toBe(200);
    expect(roundUpAmount("fixed", 4527, 1, 5)).toBe(5);
  });

  it("rounds a currency without minor units in its own units (JPY)", () => {
    expect(minorUnitsPerUnit("JPY")).toBe(1);
    expect(roundUpAmount("next_5", 4527, 1)).toBe(3);
    expect(roundUpAmount("next_unit", 4527, 1)).toBe(1);
  });

  it("knows each currency's digits", () => {
    expect(minorUnitsPerUnit("USD")).toBe(100);
    expect(minorUnitsPerUnit("EUR")).toBe(100);
    expect(minorUnitsPerUnit("KWD")).toBe(1000);
  });
});
