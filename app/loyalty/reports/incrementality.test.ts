import { describe, expect, it } from "vitest";
import {
  differenceOfMeans,
  differenceOfProportions,
  holdoutEstimate,
  meanOfDifferences,
  prePostEstimate,
  Z_95,
} from "./incrementality";

const sums = (values: number[]) => ({
  n: values.length,
  sum: values.reduce((total, value) => total + value, 0),
  sumOfSquares: values.reduce((total, value) => total + value * value, 0),
});

describe("the 95% intervals", () => {
  it("a difference of means uses Welch's standard error from Σx and Σx²", () => {
    // Means 20 and 5; variances 100 and 50: standard error √(100/3 + 50/2).
    const difference = differenceOfMeans(sums([10, 20, 30]), sums([0, 10]))!;
    const standardError = Math.sqrt(100 / 3 + 50 / 2);
    expect(difference.estimate).toBe(15);
    expect(difference.low).toBeCloseTo(15 - Z_95 * standardError, 9);
    expect(difference.high).toBeCloseTo(15 + Z_95 * standardError, 9);
  });

  it("a group of one has an estimate and no interval; an empty group has neither", () => {
    expect(differenceOfMeans(sums([10, 20]), sums([4]))).toEqual({ estimate: 11, low: null, high: null });
    expect(differenceOfMeans(sums([10, 20]), sums([]))).toBeNull();
  });

  it("a difference of proportions uses the unpooled standard error", () => {
    const difference = differenceOfProportions({ n: 4, hits: 2 }, { n: 4, hits: 1 })!;
    const standardError = Math.sqrt((0.5 * 0.5) / 4 + (0.25 * 0.75) / 4);
    expect(difference.estimate).toBe(0.25);
    expect(difference.low).toBeCloseTo(0.25 - Z_95 * standardError, 9);
    expect(difference.high).toBeCloseTo(0.25 + Z_95 * standardError, 9);
  });

  it("a mean of paired differences uses their spread over √n", () => {
    const difference = meanOfDifferences(sums([10, 30]))!;
    expect(difference.estimate).toBe(20);
    expect(difference.low).toBeCloseTo(20 - Z_95 * 10, 9);
    expect(difference.high).toBeCloseTo(20 + Z_95 * 10, 9);
  });

  it("identical values have a zero-width interval", () => {
    expect(meanOfDifferences(sums([700, 700, 700]))).toEqual({ estimate: 700, low: 700, high: 700 });
  });
});

describe("the holdout's comparison", () => {
  it("counts customers without an order in a currency as zero revenue in it, in whole minor units", () => {
    const estimate = holdoutEstimate(
      [
        { held: false, customers: 3, repeaters: 1 },
        { held: true, customers: 2, repeaters: 0 },
      ],
      [
        { held: false, currencyCode: "EUR", sum: 6000, sumOfSquares: 2000 * 2000 + 4000 * 4000 },
        { held: true, currencyCode: "EUR", sum: 1000, sumOfSquares: 1000 * 1000 },
      ],
      30,
    )!;
    expect(estimate).toMatchObject({ method: "holdout", invited: 3, heldOut: 2, days: 30 });
    expect(estimate.repeatRate).toMatchObject({ invited: 1 / 3, heldOut: 0 });
    const [eur] = estimate.revenuePerCustomer;
    // Invited 0, 2000, 4000 (mean 2000, variance 4 000 000); held out 0, 1000 (mean 500, variance 500 000).
    const standardError = Math.sqrt(4_000_000 / 3 + 500_000 / 2);
    expect(eur).toEqual({
      currencyCode: "EUR",
      invited: 2000,
      heldOut: 500,
      difference: {
        estimate: 1500,
        low: Math.round(1500 - Z_95 * standardError),
        high: Math.round(1500 + Z_95 * standardError),
      },
    });
  });

  it("gives way to the pre/post comparison below two customers in a group", () => {
    expect(
      holdoutEstimate(
        [
          { held: false, customers: 5, repeaters: 1 },
          { held: true, customers: 1, repeaters: 0 },
        ],
        [],
        30,
      ),
    ).toBeNull();
    expect(holdoutEstimate([], [], 30)).toBeNull();
  });
});

describe("the pre/post comparison", () => {
  it("averages before, after and the paired difference over every member who joined", () => {
    // Three members, d = 3000, 1000 and 0 (one without orders).
    const estimate = prePostEstimate(
      3,
      [{ currencyCode: "EUR", before: 1000, after: 5000, sum: 4000, sumOfSquares: 10_000_000 }],
      90,
    );
    expect(estimate.method).toBe("pre_post");
    expect(estimate.revenuePerMember[0]).toMatchObject({ before: 333, after: 1667, difference: { estimate: 1333 } });
  });
});
