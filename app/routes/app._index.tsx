import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { serverEnvironment } from "~/config/env.server";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { z } from "zod";
import { adminContext, adminLoadedShop } from "~/admin/common/admin-context.server";
import { Dashboard } from "~/admin/home/dashboard";
import { OnboardingCard } from "~/admin/home/onboarding-card";
import prisma from "~/db.server";
import { useTranslation } from "~/i18n";
import { ONBOARDING_STEPS, onboardingVisible } from "~/loyalty/program/onboarding";
import { completeOnboarding, dismissOnboarding, readOnboarding } from "~/loyalty/program/onboarding.server";
import { dashboardMetrics, dashboardRangeFromSearch } from "~/loyalty/reports/dashboard.server";
import { AdminGateway } from "~/shopify/admin-gateway.server";
import { fetchShopDetails } from "~/shopify/shop-details.server";
import { themeEmbedActivationUrl } from "~/shopify/theme-editor";
import { requireMethod } from "~/http/methods.server";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, shop } = await adminContext(request);
  const range = dashboardRangeFromSearch(new URL(request.url).searchParams);
  if (!range.success)
    throw Response.json(
      { error: "invalid_range", issues: range.error.issues.map((issue) => issue.message) },
      { status: 400 },
    );
  const [loaded, onboarding] = await Promise.all([adminLoadedShop(shop), readOnboarding(prisma, shop.id)]);
  let details: Awaited<ReturnType<typeof fetchShopDetails>> | null = null;
  try {
    details = await fetchShopDetails(new AdminGateway(session.shop, session.accessToken ?? ""));
  } catch (error) {
    console.error("Could not read shop details", error);
  }
  const currencyCode = details?.currencyCode ?? shop.currencyCode ?? null;
  return {
    shopDomain: shop.domain,
    shopName: details?.name ?? shop.domain,
    currencyCode: details?.currencyCode ?? null,
    metrics: await dashboardMetrics(prisma, loaded, range.data, currencyCode),
    onboarding: onboardingVisible(onboarding) ? onboarding : null,
    embedUrl: themeEmbedActivationUrl(shop.domain, serverEnvironment().SHOPIFY_API_KEY),
  };
}

const onboardingIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("complete"), step: z.enum(["embed", "preview"]) }),
  z.object({ intent: z.literal("dismiss") }),
]);

/** The checklist's own steps: the merchant says the embed is on, or opened the preview; or hides it. */
export async function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "GET", "POST");
  const { shop } = await adminContext(request);
  const parsed = onboardingIntent.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ error: "invalid_intent" }, { status: 400 });
  if (parsed.data.intent === "dismiss") await dismissOnboarding(prisma, shop.id);
  else await completeOnboarding(prisma, shop.id, [parsed.data.step]);
  return { ok: true };
}

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <Page title={t("home.title")}>
      <Layout>
        {data.currencyCode === null ? (
          <Layout.Section>
            <Banner tone="warning" title={t("home.shopifyDown.title")}>
              <p>{t("home.shopifyDown.body")}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {data.onboarding ? (
          <Layout.Section>
            <OnboardingCard
              state={data.onboarding}
              steps={ONBOARDING_STEPS}
              links={{
                program: { url: "/app/program" },
                reward: { url: "/app/rewards/new" },
                embed: { url: data.embedUrl, external: true },
                preview: { url: `https://${data.shopDomain}`, external: true },
              }}
            />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {t("home.programFor", { shop: data.shopName })}
              </Text>
              <Text as="p" tone="subdued">
                {data.currencyCode
                  ? t("home.pricesIn", { shop: data.shopDomain, currency: data.currencyCode })
                  : data.shopDomain}
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Dashboard metrics={data.metrics} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
