import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AdminApiDouble } from "../sandbox/admin-api-double";
import { AdminGateway } from "~/shopify/admin-gateway.server";
import { DONATION_SKU, DONATION_TAG, ensureDonationProduct, oneMinorUnit } from "~/shopify/donation-product.server";
import { AdminHttpError } from "~/shopify/errors";
import { findVariants } from "~/shopify/membership-product.server";
import { API_VERSION } from "./support/constants";

/* Tally makes the round-up's donation product in Shopify once: one variant at one minor unit of the shop's currency. */

const USD_SHOP = "donation-usd.myshopify.com";
const JPY_SHOP = "donation-jpy.myshopify.com";
let double: AdminApiDouble;

const gateway = (shop = USD_SHOP, token = `token-${shop}`) =>
  new AdminGateway(shop, token, { origin: double.origin, apiVersion: API_VERSION, maxAttempts: 1 });

const options = { title: "Donation", descriptionHtml: "<p>A gift to our causes.</p>", taxable: false };

const addShop = (domain: string, currencyCode: string) =>
  double.addShop({
    domain,
    accessToken: `token-${domain}`,
    name: domain,
    email: `owner@${domain}`,
    currencyCode,
    ianaTimezone: "UTC",
  });

beforeAll(async () => {
  double = await AdminApiDouble.start();
});
afterAll(() => double.close());
beforeEach(() => {
  double.reset();
  addShop(USD_SHOP, "USD");
  addShop(JPY_SHOP, "JPY");
});

describe("the donation product", () => {
  it("is one unlisted product whose one variant costs a cent in USD, not tracked, requiring no shipping", async () => {
    const made = await ensureDonationProduct(gateway(), options);
    const products = double.shop(USD_SHOP).products!;
    expect(products).toHaveLength(1);
    expect(products[0]).toMatchObject({ title: "Donation", status: "UNLISTED", tags: [DONATION_TAG] });
    expect(products[0]!.variants).toEqual([
      expect.objectContaining({
        price: "0.01",
        sku: DONATION_SKU,
        taxable: false,
        requiresShipping: false,
        tracked: false,
      }),
    ]);
    expect(made).toEqual({
      productId: String(products[0]!.id),
      variantId: String(products[0]!.variants![0]!.id),
      currencyCode: "USD",
    });
  });

  it("costs one yen in JPY, and is taxable when the merchant says so", async () => {
    await ensureDonationProduct(gateway(JPY_SHOP), { ...options, taxable: true });
    const [variant] = double.shop(JPY_SHOP).products![0]!.variants!;
    expect(variant).toMatchObject({ price: "1", taxable: true });
    expect(double.callsTo("SetDonationVariant")[0]?.variables.variants).toEqual([
      expect.objectContaining({
        price: "1",
        inventoryItem: { sku: DONATION_SKU, requiresShipping: false, tracked: false },
      }),
    ]);
  });

  it("prices one minor unit in each currency's digits", () => {
    expect([oneMinorUnit("USD"), oneMinorUnit("JPY"), oneMinorUnit("KWD")]).toEqual(["0.01", "1", "0.001"]);
  });

  it("is made once when productCreate's answer is lost: the retry finds it by its tag and sets its variant", async () => {
    double.failNext({ kind: "lostAnswer" }, { operationName: "CreateDonationProduct" });
    await expect(ensureDonationProduct(gateway(), options)).rejects.toBeInstanceOf(AdminHttpError);
    const made = await ensureDonationProduct(gateway(), options);
    const products = double.shop(USD_SHOP).products!;
    expect(products).toHaveLength(1);
    expect(double.callsTo("CreateDonationProduct")).toHaveLength(1);
    expect(made.variantId).toBe(String(products[0]!.variants![0]!.id));
    expect(products[0]!.variants![0]).toMatchObject({ price: "0.01", sku: DONATION_SKU });
  });

  it("is found again by its SKU once made: a second call changes nothing", async () => {
    const first = await ensureDonationProduct(gateway(), options);
    const second = await ensureDonationProduct(gateway(), options);
    expect(second).toEqual(first);
    expect(double.callsTo("CreateDonationProduct")).toHaveLength(1);
    expect(double.callsTo("SetDonationVariant")).toHaveLength(1);
  });

  it("is the shop's own: another shop's variant is not found, and a revoked token makes nothing", async () => {
    const ours = await ensureDonationProduct(gateway(), options);
    const theirs = await ensureDonationProduct(gateway(JPY_SHOP), options);
    expect([...(await findVariants(gateway(), [ours.variantId, theirs.variantId])).keys()]).toEqual([ours.variantId]);
    await expect(ensureDonationProduct(gateway(USD_SHOP, "revoked"), options)).rejects.toBeInstanceOf(AdminHttpError);
    expect(double.shop(USD_SHOP).products).toHaveLength(1);
  });
});
