import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, Layout, Page, Text } from "@shopify/polaris";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { z } from "zod";
import { BILLING_PATH } from "~/admin/billing/return-url";
import { adminContext, adminLoadedShop } from "~/admin/common/admin-context.server";
import { GoalsCard, InsightsCard } from "~/admin/goals/dashboard-cards";
import { Dashboard } from "~/admin/home/dashboard";
import { OnboardingCard } from "~/admin/home/onboarding-card";
import { homeOnboarding } from "~/admin/home/onboarding.server";
import prisma from "~/db.server";
import { useTranslation } from "~/i18n";
import { billingOn } from "~/loyalty/billing/billing.server";
import { planAsked } from "~/loyalty/billing/overview.server";
import { ONBOARDING_STEPS } from "~/loyalty/program/onboarding";
import { dismissOnboarding, recordStorePreview } from "~/loyalty/program/onboarding.server";
import { dashboardMetrics, dashboardRangeFromSearch } from "~/loyalty/reports/dashboard.server";
import { goalsProgress, programInsights } from "~/loyalty/reports/goals.server";
import { AdminGateway } from "~/shopify/admin-gateway.server";
import { fetchShopDetails } from "~/shopify/shop-details.server";
import { requireMethod } from "~/http/methods.server";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, shop } = await adminContext(request);
  if (billingOn() && !(await planAsked(prisma, shop.id))) throw redirect(firstVisitBillingUrl(request));
  const range = dashboardRangeFromSearch(new URL(request.url).searchParams);
  if (!range.success)
    throw Response.json(
      { error: "invalid_range", issues: range.error.issues.map((issue) => issue.message) },
      { status: 400 },
    );
  const [loaded, onboarding] = await Promise.all([adminLoadedShop(shop), homeOnboarding(shop, session)]);
  let details: Awaited<ReturnType<typeof fetchShopDetails>> | null = null;
  try {
    details = await fetchShopDetails(new AdminGateway(session.shop, session.accessToken ?? ""));
  } catch (error) {
    console.error("Could not read shop details", error);
  }
  const currencyCode = details?.currencyCode ?? shop.currencyCode ?? null;
  const now = new Date();
  const [metrics, goals, insights] = await Promise.all([
    dashboardMetrics(prisma, loaded, range.data, currencyCode),
    goalsProgress(prisma, shop.id, loaded.program.accounting.goals, currencyCode, now),
    programInsights(prisma, shop.id, loaded.program, now),
  ]);
  return {
    shopDomain: shop.domain,
    shopName: details?.name ?? shop.domain,
    currencyCode: details?.currencyCode ?? null,
    metrics,
    goals,
    insights,
    // The reward step names the rewards the program already offers (a new program starts with one).
    // The steps travel as data: their module holds zod schemas the browser need not load.
    onboarding: onboarding && {
      ...onboarding,
      steps: ONBOARDING_STEPS,
      rewardNames: loaded.program.rewards.map((reward) => reward.name),
    },
  };
}

/**
 * A shop never asked to approve Tally's plan starts on the billing page: shoppers see nothing until
 * it is approved. The Shopify admin's query (embedded, host, locale, id_token) goes along.
 */
function firstVisitBillingUrl(request: Request): string {
  return `${BILLING_PATH}${new URL(request.url).search}`;
}

const onboardingIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("previewed") }),
  z.object({ intent: z.literal("dismiss") }),
]);

/** The checklist: the merchant opened their store from it (it counts while the widget is on), or hides it. */
export async function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "GET", "POST");
  const { session, shop } = await adminContext(request);
  const parsed = onboardingIntent.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ error: "invalid_intent" }, { status: 400 });
  if (parsed.data.intent === "dismiss") {
    await dismissOnboarding(prisma, shop.id);
    return { ok: true };
  }
  if (!(await recordStorePreview(prisma, shop.id, session)))
    return Response.json({ error: "widget_off" }, { status: 409 });
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
            <OnboardingCard {...data.onboarding} />
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
        <Layout.Section variant="oneHalf">
          <GoalsCard goals={data.goals} />
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <InsightsCard insights={data.insights} />
        </Layout.Section>
        <Layout.Section>
          <Dashboard metrics={data.metrics} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
