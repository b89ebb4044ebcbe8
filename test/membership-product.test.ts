import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AdminApiDouble } from "../sandbox/admin-api-double";
import { AdminGateway } from "~/shopify/admin-gateway.server";
import { AdminHttpError } from "~/shopify/errors";
import {
  ensureMembershipProduct,
  findVariants,
  MEMBERSHIP_PRODUCT_TAG,
  type MembershipProductSpec,
} from "~/shopify/membership-product.server";
import { API_VERSION } from "./support/constants";

/* Tally makes the paid membership's product in Shopify, once, and checks the variants a merchant picks. */

const SHOP = "membership-product.myshopify.com";
const OTHER = "someone-else.myshopify.com";
let double: AdminApiDouble;

const gateway = (shop = SHOP) =>
  new AdminGateway(shop, `token-${shop}`, { origin: double.origin, apiVersion: API_VERSION, maxAttempts: 1 });

const spec: MembershipProductSpec = {
  title: "Members' club",
  descriptionHtml: "<p>2× points and free shipping.</p>",
  taxable: true,
  plans: [
    { id: "monthly", name: "Monthly", price: 9 },
    { id: "yearly", name: "Yearly", price: 79 },
  ],
};

const addShop = (domain: string) =>
  double.addShop({
    domain,
    accessToken: `token-${domain}`,
    name: domain,
    email: `owner@${domain}`,
    currencyCode: "EUR",
    ianaTimezone: "UTC",
  });

beforeAll(async () => {
  double = await AdminApiDouble.start();
});
afterAll(() => double.close());
beforeEach(() => {
  double.reset();
  addShop(SHOP);
  addShop(OTHER);
});

describe("the membership product", () => {
  it("is one unlisted product with a variant per plan at its price, requiring no shipping", async () => {
    const made = await ensureMembershipProduct(gateway(), spec);
    const [product] = double.shop(SHOP).products!;
    expect(product).toMatchObject({
      title: "Members' club",
      handle: "members-club",
      status: "UNLISTED",
      tags: [MEMBERSHIP_PRODUCT_TAG],
      options: [{ name: "Plan", values: ["Monthly", "Yearly"] }],
    });
    // productCreate's own first variant is replaced by the plans' variants.
    expect(product!.variants).toEqual([
      expect.objectContaining({
        title: "Monthly",
        price: "9.00",
        sku: "tally-membership-monthly",
        requiresShipping: false,
        taxable: true,
      }),
      expect.objectContaining({
        title: "Yearly",
        price: "79.00",
        sku: "tally-membership-yearly",
        requiresShipping: false,
        taxable: true,
      }),
    ]);
    expect(made).toEqual({
      productId: String(product!.id),
      handle: "members-club",
      variantIds: { monthly: String(product!.variants![0]!.id), yearly: String(product!.variants![1]!.id) },
    });
  });

  it("is made once when the answer to productCreate is lost: the retry finds it by its tag", async () => {
    double.failNext({ kind: "lostAnswer" }, { operationName: "CreateMembershipProduct" });
    await expect(ensureMembershipProduct(gateway(), spec)).rejects.toBeInstanceOf(AdminHttpError);
    const made = await ensureMembershipProduct(gateway(), spec);
    expect(double.shop(SHOP).products).toHaveLength(1);
    expect(double.callsTo("CreateMembershipProduct")).toHaveLength(1);
    expect(double.shop(SHOP).products![0]!.variants!.map((v) => v.sku)).toEqual([
      "tally-membership-monthly",
      "tally-membership-yearly",
    ]);
    expect(Object.keys(made.variantIds)).toEqual(["monthly", "yearly"]);
  });

  it("adds only the variants of plans added later, keeping the others", async () => {
    const first = await ensureMembershipProduct(gateway(), spec);
    const second = await ensureMembershipProduct(gateway(), {
      ...spec,
      plans: [...spec.plans, { id: "two-years", name: "Two years", price: 149.5 }],
    });
    expect(second.variantIds.monthly).toBe(first.variantIds.monthly);
    expect(second.variantIds.yearly).toBe(first.variantIds.yearly);
    expect(double.shop(SHOP).products![0]!.variants!.map((v) => [v.title, v.price])).toEqual([
      ["Monthly", "9.00"],
      ["Yearly", "79.00"],
      ["Two years", "149.50"],
    ]);
  });

  it("finds the shop's variants with their product's handle; another shop's or a deleted one is absent", async () => {
    const ours = await ensureMembershipProduct(gateway(), spec);
    const theirs = await ensureMembershipProduct(gateway(OTHER), spec);
    const found = await findVariants(gateway(), [ours.variantIds.monthly!, theirs.variantIds.monthly!, "123"]);
    expect([...found]).toEqual([[ours.variantIds.monthly, { productHandle: "members-club" }]]);
    double.deleteProduct(SHOP, ours.productId);
    expect((await findVariants(gateway(), [ours.variantIds.monthly!])).size).toBe(0);
  });
});
