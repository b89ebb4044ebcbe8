import { Session } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase, type Database } from "~/db/database.server";
import { TallySessionStorage } from "~/shopify/session-storage.server";
import { freshDatabase, type FreshDatabase } from "./support/database";

let fresh: FreshDatabase;
let database: Database;

beforeAll(async () => {
  fresh = await freshDatabase();
  database = openDatabase({ databaseUrl: fresh.env.DATABASE_URL, pgliteDir: fresh.env.PGLITE_DATA_DIR });
  await database.ready;
}, 60_000);
afterAll(async () => {
  await database?.close();
  await fresh?.drop();
});

it("loads every session exactly as Shopify's Prisma storage does", async () => {
  const library = new PrismaSessionStorage(database.prisma);
  const tally = new TallySessionStorage(database.prisma);
  const offline = new Session({
    id: "offline_zone.myshopify.com",
    shop: "zone.myshopify.com",
    state: "s1",
    isOnline: false,
    scope: "read_customers,write_discounts",
    accessToken: "shpat_x",
  });
  const online = new Session({
    id: "zone.myshopify.com_42",
    shop: "zone.myshopify.com",
    state: "s2",
    isOnline: true,
    scope: "read_customers",
    accessToken: "shpua_y",
    expires: new Date("2026-12-01T10:00:00.000Z"),
    onlineAccessInfo: {
      expires_in: 86_400,
      associated_user_scope: "read_customers",
      associated_user: {
        id: 42,
        first_name: "Ada",
        last_name: "Lovelace",
        email: "ada@example.com",
        email_verified: true,
        account_owner: true,
        locale: "en",
        collaborator: false,
      },
    },
  });
  await library.storeSession(offline);
  await library.storeSession(online);
  for (const id of [offline.id, online.id]) {
    const theirs = await library.loadSession(id);
    const ours = await tally.loadSession(id);
    expect(ours).toBeDefined();
    expect(ours!.toPropertyArray(true)).toEqual(theirs!.toPropertyArray(true));
  }
  expect((await tally.loadSession(offline.id))!.accessToken).toBe("shpat_x");
  expect(await tally.loadSession("offline_unknown.myshopify.com")).toBeUndefined();
});
