import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import prisma from "~/db.server";
import { authenticate } from "~/shopify.server";
import { AdminGateway } from "~/shopify/admin-gateway.server";
import { fetchShopDetails } from "~/shopify/shop-details.server";
import { ensureShop } from "~/shopify/shops.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await authenticate.admin(request);
  const shop = await ensureShop(prisma, session.shop, session.scope);
  const [members, outstanding] = await Promise.all([
    prisma.member.count({ where: { shopId: shop.id } }),
    prisma.member.aggregate({ where: { shopId: shop.id }, _sum: { balance: true } }),
  ]);
  let details: Awaited<ReturnType<typeof fetchShopDetails>> | null = null;
  try {
    details = await fetchShopDetails(new AdminGateway(session.shop, session.accessToken ?? ""));
  } catch (error) {
    console.error("Could not read shop details", error);
  }
  return {
    shopDomain: shop.domain,
    shopName: details?.name ?? shop.domain,
    currencyCode: details?.currencyCode ?? null,
    members,
    outstandingPoints: outstanding._sum.balance ?? 0,
  };
}

export default function Home() {
  const data = useLoaderData<typeof loader>();
  return (
    <Page title="Tally">
      <Layout>
        {data.currencyCode === null ? (
          <Layout.Section>
            <Banner tone="warning" title="Shopify did not answer">
              <p>Tally could not read your store's details. Points keep working; this page retries on reload.</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                {`Loyalty program for ${data.shopName}`}
              </Text>
              <Text as="p" tone="subdued">
                {data.currencyCode ? `${data.shopDomain} · prices in ${data.currencyCode}` : data.shopDomain}
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={2} gap="400">
            <Card>
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm">
                  Members
                </Text>
                <Text as="p" variant="heading2xl">
                  {data.members.toLocaleString("en")}
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm">
                  Points outstanding
                </Text>
                <Text as="p" variant="heading2xl">
                  {data.outstandingPoints.toLocaleString("en")}
                </Text>
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
