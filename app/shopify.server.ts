import "@shopify/shopify-app-remix/adapters/node";
import { AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { serverEnvironment } from "./config/env.server";
import prisma from "./db.server";
import { queueStorefrontPublish } from "./db/storefront-publish.server";
import { ADMIN_API_VERSION } from "./shopify/api-version";
import { TallySessionStorage } from "./shopify/session-storage.server";
import { learnInstalledShop } from "./shopify/installation.server";
import { ensureShop } from "./shopify/shops.server";

const env = serverEnvironment();
const LOG_SEVERITY = {
  error: LogSeverity.Error,
  warning: LogSeverity.Warning,
  info: LogSeverity.Info,
  debug: LogSeverity.Debug,
} as const;

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: ADMIN_API_VERSION,
  scopes: env.SCOPES,
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new TallySessionStorage(prisma),
  distribution: AppDistribution.AppStore,
  logger: { level: LOG_SEVERITY[env.SHOPIFY_LOG_LEVEL] },
  future: {
    unstable_newEmbeddedAuthStrategy: true,
  },
  hooks: {
    afterAuth: async ({ session }) => {
      const shop = await ensureShop(prisma, session.shop, session.scope);
      await learnInstalledShop(prisma, session.shop, session.accessToken ?? "");
      // The theme's copy of the program, written at once: quiet until a plan is approved.
      await queueStorefrontPublish(prisma, shop.id, new Date());
    },
  },
  ...(env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [env.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = ADMIN_API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const sessionStorage = shopify.sessionStorage;
