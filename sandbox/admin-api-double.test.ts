import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tallyEmbedEnabled } from "../app/loyalty/program/theme-embed";
import { AdminApiDouble } from "./admin-api-double";

const SHOP = "double-shop.myshopify.com";
let double: AdminApiDouble;

const post = (body: unknown, options: { token?: string; version?: string } = {}) =>
  fetch(`${double.origin}/admin/api/${options.version ?? "2026-07"}/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": options.token ?? "shpat_double" },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  double = await AdminApiDouble.start();
  double.addShop({
    domain: SHOP,
    accessToken: "shpat_double",
    name: "Double",
    email: "owner@double.test",
    currencyCode: "USD",
    ianaTimezone: "UTC",
    customers: [1, 2, 3].map((id) => ({
      id,
      email: `c${id}@double.test`,
      firstName: `First${id}`,
      lastName: "Shopper",
      phone: null,
      tags: [],
      createdAt: "2026-01-01T00:00:00Z",
      numberOfOrders: id,
      amountSpent: `${id * 10}.00`,
    })),
  });
});
afterAll(() => double.close());

describe("the local Admin API double", () => {
  it("answers like Shopify, with the cost extension, and records the call", async () => {
    const response = await post({ query: "query Who { shop { name currencyCode } }" });
    const body = await response.json();
    expect(body.data).toEqual({ shop: { name: "Double", currencyCode: "USD" } });
    expect(body.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
    expect(double.callsTo("Who")).toHaveLength(1);
  });

  it("serves the published theme's settings_data.json, with Tally's app embed as the sandbox switched it", async () => {
    const query = `query Theme { themes(roles: [MAIN], first: 1) { nodes { name files(filenames: ["config/settings_data.json"]) {
      nodes { body { ... on OnlineStoreThemeFileBodyText { content } } } } } } }`;
    const settings = async () => {
      const body = await (await post({ query })).json();
      expect(body.data.themes.nodes[0].name).toBe("Dawn");
      return body.data.themes.nodes[0].files.nodes[0].body.content as string;
    };
    expect(await settings()).toMatch(/^\/\*\n \* -+\n \* IMPORTANT: The contents of this file are auto-generated/);
    expect(tallyEmbedEnabled(await settings())).toBe(false);
    double.setAppEmbed(SHOP, "on");
    expect(tallyEmbedEnabled(await settings())).toBe(true);
    double.setAppEmbed(SHOP, "off");
    expect(await settings()).toContain('"disabled": true');
    expect(tallyEmbedEnabled(await settings())).toBe(false);
  });

  it("rejects an operation that is not valid against the real schema", async () => {
    const body = await (await post({ query: "{ shop { name pointsBalance } }" })).json();
    expect(body.errors[0].message).toBe('Cannot query field "pointsBalance" on type "Shop".');
    expect(body.data).toBeUndefined();
  });

  it("pages through customers and searches them by email", async () => {
    const query = `query Page($after: String, $q: String) {
      customers(first: 2, after: $after, query: $q) {
        nodes { id email numberOfOrders amountSpent { amount currencyCode } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    const first = (await (await post({ query, variables: {} })).json()).data.customers;
    expect(first.nodes.map((c: { id: string }) => c.id)).toEqual([
      "gid://shopify/Customer/1",
      "gid://shopify/Customer/2",
    ]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await (await post({ query, variables: { after: first.pageInfo.endCursor } })).json()).data
      .customers;
    expect(second.nodes).toEqual([
      {
        id: "gid://shopify/Customer/3",
        email: "c3@double.test",
        numberOfOrders: "3",
        amountSpent: { amount: "30.00", currencyCode: "USD" },
      },
    ]);
    const found = (await (await post({ query, variables: { q: "email:c2@double.test" } })).json()).data.customers;
    expect(found.nodes.map((c: { email: string }) => c.email)).toEqual(["c2@double.test"]);
  });

  it("searches several quoted emails joined by OR, as the member import does", async () => {
    const query = `query Find($q: String) { customers(first: 50, query: $q) { nodes { email } } }`;
    const emails = async (q: string) =>
      (await (await post({ query, variables: { q } })).json()).data.customers.nodes.map(
        (c: { email: string }) => c.email,
      );
    expect(await emails('email:"C1@double.test" OR email:"c3@double.test" OR email:"nobody@double.test"')).toEqual([
      "c1@double.test",
      "c3@double.test",
    ]);
    expect(await emails("First2 Shopper OR email:c1@double.test")).toEqual(["c1@double.test", "c2@double.test"]);
    expect(await emails("First2 email:c1@double.test")).toEqual([]);
  });

  it("keeps segments and automatic discounts for a segment: finds them by title, updates, refuses and deletes as Shopify does", async () => {
    const gql = async (query: string, variables: Record<string, unknown> = {}) =>
      (await (await post({ query, variables })).json()).data;
    const { segmentCreate } = await gql(
      `mutation { segmentCreate(name: "Gold", query: "customer_tags CONTAINS 'Tally Gold'") { segment { id } userErrors { message } } }`,
    );
    const segmentId = segmentCreate.segment.id;
    const create = (input: Record<string, unknown>) =>
      gql(
        `mutation C($input: DiscountAutomaticBasicInput!) { discountAutomaticBasicCreate(automaticBasicDiscount: $input) {
          automaticDiscountNode { id } userErrors { field message code } } }`,
        { input },
      );
    const input = {
      title: "Gold's 10% off",
      tags: ["tally-perk:gold:percentage_off"],
      context: { customerSegments: { add: [segmentId] } },
      customerGets: { value: { percentage: 0.1 }, items: { all: true } },
    };
    const created = (await create(input)).discountAutomaticBasicCreate;
    expect(created.userErrors).toEqual([]);
    const id = created.automaticDiscountNode.id;
    // A segment that does not exist, or a percentage above 1, is refused with userErrors.
    expect(
      (await create({ ...input, context: { customerSegments: { add: ["gid://shopify/Segment/999"] } } }))
        .discountAutomaticBasicCreate.userErrors[0].message,
    ).toBe("Customer segment does not exist");
    expect(
      (await create({ ...input, customerGets: { value: { percentage: 10 }, items: { all: true } } }))
        .discountAutomaticBasicCreate.userErrors[0].code,
    ).toBe("VALUE_OUTSIDE_RANGE");

    const titled = await gql(
      `query T($q: String!) { automaticDiscountNodes(first: 10, query: $q) { nodes { id automaticDiscount { ... on DiscountAutomaticBasic { title tags } } } } }`,
      { q: "title:'gold\\'s 10% off'" },
    );
    expect(titled.automaticDiscountNodes.nodes).toEqual([
      { id, automaticDiscount: { title: "Gold's 10% off", tags: ["tally-perk:gold:percentage_off"] } },
    ]);
    const existing = await gql(`query N($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
      ids: [id, segmentId, "gid://shopify/DiscountAutomaticNode/999"],
    });
    expect(existing.nodes).toEqual([{ id }, { id: segmentId }, null]);

    const deleted = await gql(
      `mutation D($id: ID!) { discountAutomaticDelete(id: $id) { deletedAutomaticDiscountId userErrors { message } } }`,
      { id },
    );
    expect(deleted.discountAutomaticDelete.deletedAutomaticDiscountId).toBe(id);
    const updateGone = await gql(
      `mutation U($id: ID!, $input: DiscountAutomaticBasicInput!) { discountAutomaticBasicUpdate(id: $id, automaticBasicDiscount: $input) {
        automaticDiscountNode { id } userErrors { message } } }`,
      { id, input },
    );
    expect(updateGone.discountAutomaticBasicUpdate.userErrors).toEqual([{ message: "Discount does not exist" }]);
    const segmentGone = await gql(
      `mutation { segmentDelete(id: "${segmentId}") { deletedSegmentId } segmentUpdate(id: "${segmentId}", name: "X") { userErrors { message } } }`,
    );
    expect(segmentGone).toEqual({
      segmentDelete: { deletedSegmentId: segmentId },
      segmentUpdate: { userErrors: [{ message: "Segment does not exist" }] },
    });
  });

  it("refuses an unknown access token with Shopify's 401", async () => {
    const response = await post({ query: "{ shop { name } }" }, { token: "shpat_wrong" });
    expect(response.status).toBe(401);
    expect((await response.json()).errors).toMatch(/Invalid API key or access token/);
  });

  it("counts a code discount's uses, deletes it, and answers a second delete with Shopify's userError", async () => {
    const create = `mutation Create($input: DiscountCodeBasicInput!) {
      discountCodeBasicCreate(basicCodeDiscount: $input) { codeDiscountNode { id } userErrors { message } } }`;
    const input = {
      title: "5 off",
      code: "POS-UNDO",
      startsAt: "2026-12-01T00:00:00Z",
      customerGets: { value: { discountAmount: { amount: "5.00", appliesOnEachItem: false } }, items: { all: true } },
      context: { all: "ALL" },
    };
    const created = (await (await post({ query: create, variables: { input } })).json()).data;
    const id = created.discountCodeBasicCreate.codeDiscountNode.id as string;
    const usage = `query Usage($id: ID!) { codeDiscountNode(id: $id) { codeDiscount {
      ... on DiscountCodeBasic { asyncUsageCount } } } }`;
    const used = (await (await post({ query: usage, variables: { id } })).json()).data.codeDiscountNode;
    expect(used).toEqual({ codeDiscount: { asyncUsageCount: 0 } });
    const remove = `mutation Delete($id: ID!) {
      discountCodeDelete(id: $id) { deletedCodeDiscountId userErrors { field message code } } }`;
    const deleted = (await (await post({ query: remove, variables: { id } })).json()).data.discountCodeDelete;
    expect(deleted).toEqual({ deletedCodeDiscountId: id, userErrors: [] });
    expect(double.shop(SHOP).discounts.some((d) => d.code === "POS-UNDO")).toBe(false);
    const again = (await (await post({ query: remove, variables: { id } })).json()).data.discountCodeDelete;
    expect(again).toEqual({
      deletedCodeDiscountId: null,
      userErrors: [{ field: ["id"], message: "Discount does not exist", code: "INVALID" }],
    });
    expect((await (await post({ query: usage, variables: { id } })).json()).data.codeDiscountNode).toBeNull();
  });

  it("answers 404 for an API version Shopify does not serve", async () => {
    expect((await post({ query: "{ shop { name } }" }, { version: "2019-01" })).status).toBe(404);
  });
  describe("store credit", () => {
    const credit = (key: string, amount: string, customer = 1, currencyCode = "USD", expiresAt: string | null = null) =>
      post({
        query: `mutation Credit($id: ID!, $input: StoreCreditAccountCreditInput!, $key: String!) {
          storeCreditAccountCredit(id: $id, creditInput: $input) @idempotent(key: $key) {
            storeCreditAccountTransaction { id amount { amount currencyCode } }
            userErrors { field message code }
          } }`,
        variables: {
          id: `gid://shopify/Customer/${customer}`,
          input: { creditAmount: { amount, currencyCode }, expiresAt },
          key,
        },
      }).then((response) => response.json());
    const credits = async (customer = 1) =>
      (
        await (
          await post({
            query: `query Credits($id: ID!) { customer(id: $id) { storeCreditAccounts(first: 1, query: "currency_code:USD") {
              nodes { balance { amount } transactions(first: 50, reverse: true, query: "type:credit") {
                nodes { ... on StoreCreditAccountCreditTransaction { id amount { amount } } } } } } } }`,
            variables: { id: `gid://shopify/Customer/${customer}` },
          })
        ).json()
      ).data.customer.storeCreditAccounts.nodes[0];

    it("says whether store credit is on, as the shop's settings say", async () => {
      const enabled = async () =>
        (await (await post({ query: "query C { storeCreditConfiguration { storeCreditEnabled } }" })).json()).data
          .storeCreditConfiguration.storeCreditEnabled;
      expect(await enabled()).toBe(true);
      double.shop(SHOP).storeCreditEnabled = false;
      expect(await enabled()).toBe(false);
      double.shop(SHOP).storeCreditEnabled = true;
    });

    it("credits once per idempotency key, opening the customer's account in the currency", async () => {
      const first = await credit("key-1", "12.00", 2);
      expect(first.data.storeCreditAccountCredit.userErrors).toEqual([]);
      const again = await credit("key-1", "12.00", 2);
      expect(again.data.storeCreditAccountCredit.storeCreditAccountTransaction.id).toBe(
        first.data.storeCreditAccountCredit.storeCreditAccountTransaction.id,
      );
      await credit("key-2", "0.50", 2);
      const account = await credits(2);
      expect(account.balance.amount).toBe("12.50");
      expect(account.transactions.nodes.map((node: { amount: { amount: string } }) => node.amount.amount)).toEqual([
        "0.50",
        "12.00",
      ]);
    });

    it("refuses with Shopify's user error codes", async () => {
      const code = async (...args: Parameters<typeof credit>) =>
        (await credit(...args)).data.storeCreditAccountCredit.userErrors[0]?.code;
      expect(await code("e1", "5.00", 99)).toBe("OWNER_NOT_FOUND");
      expect(await code("e2", "5.00", 3, "EUR")).toBe("UNSUPPORTED_CURRENCY");
      expect(await code("e3", "0", 3)).toBe("NEGATIVE_OR_ZERO_AMOUNT");
      expect(await code("e4", "5.00", 3, "USD", "2020-01-01T00:00:00Z")).toBe("EXPIRES_AT_IN_PAST");
      double.shop(SHOP).storeCreditLimit = 1000;
      expect(await code("e5", "10.01", 3)).toBe("CREDIT_LIMIT_EXCEEDED");
      double.shop(SHOP).storeCreditLimit = 100_000_000;
    });
  });
  it("plays staged uploads: a signed multipart POST to its storage, then a bulk mutation over the file's lines", async () => {
    const staged = await post({
      query: `mutation Stage($input: [StagedUploadInput!]!) {
        stagedUploadsCreate(input: $input) { stagedTargets { url parameters { name value } } userErrors { message } } }`,
      variables: {
        input: [
          { resource: "BULK_MUTATION_VARIABLES", filename: "vars.jsonl", mimeType: "text/jsonl", httpMethod: "POST" },
        ],
      },
    });
    const target = (await staged.json()).data.stagedUploadsCreate.stagedTargets[0] as {
      url: string;
      parameters: { name: string; value: string }[];
    };
    const upload = (policy?: string) => {
      const form = new FormData();
      for (const { name, value } of target.parameters) form.append(name, name === "policy" ? (policy ?? value) : value);
      const lines = [
        { id: "gid://shopify/Customer/1", tags: ["Bulk"] },
        { id: "gid://shopify/Customer/2", tags: ["Bulk"] },
      ];
      form.append("file", new Blob([lines.map((line) => JSON.stringify(line)).join("\n")]), "vars.jsonl");
      return fetch(target.url, { method: "POST", body: form });
    };
    expect((await upload("forged")).status).toBe(403);
    expect((await upload()).status).toBe(201);
    const key = target.parameters.find((parameter) => parameter.name === "key")!.value;
    const run = async (stagedUploadPath: string) =>
      (
        await (
          await post({
            query: `mutation Run($mutation: String!, $path: String!) {
              bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $path) { bulkOperation { id } userErrors { code } } }`,
            variables: {
              mutation:
                "mutation Tag($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { message } } }",
              path: stagedUploadPath,
            },
          })
        ).json()
      ).data.bulkOperationRunMutation;
    expect((await run("tmp/elsewhere/vars.jsonl")).userErrors).toEqual([{ code: "NO_SUCH_FILE" }]);
    const { bulkOperation } = await run(key);
    const polled = await (
      await post({
        query: "query Poll($id: ID!) { bulkOperation(id: $id) { status type url } }",
        variables: { id: bulkOperation.id },
      })
    ).json();
    expect(polled.data.bulkOperation).toMatchObject({ status: "COMPLETED", type: "MUTATION" });
    const results = (await (await fetch(polled.data.bulkOperation.url)).text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(results).toEqual([
      { data: { tagsAdd: { userErrors: [] } }, __lineNumber: 0 },
      { data: { tagsAdd: { userErrors: [] } }, __lineNumber: 1 },
    ]);
    expect(double.shop(SHOP).tags["gid://shopify/Customer/2"]).toEqual(["Bulk"]);
  });
});
