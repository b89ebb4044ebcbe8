import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigate } from "@remix-run/react";
import { Badge, Card, EmptyState, IndexTable, Page, Text } from "@shopify/polaris";
import { adminProgram, shopCurrencyCode } from "~/admin/common/admin-context.server";
import { formatMoney } from "~/admin/common/format";
import { describeReward } from "~/admin/common/rewards";
import { useTranslation } from "~/i18n";
import { onlyMethods } from "~/http/methods.server";
import { isStepped } from "~/loyalty/program/program";

export async function loader({ request }: LoaderFunctionArgs) {
  const { program, session } = await adminProgram(request);
  return { rewards: program.rewards, tiers: program.tiers.levels, currencyCode: await shopCurrencyCode(session) };
}

export default function Rewards() {
  const { rewards, tiers, currencyCode } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const money = (amount: number) => formatMoney(i18n.language, amount, currencyCode);
  const navigate = useNavigate();
  return (
    <Page title={t("rewards.title")} primaryAction={{ content: t("rewards.add"), url: "/app/rewards/new" }}>
      <Card padding="0">
        {rewards.length === 0 ? (
          <EmptyState
            heading={t("rewards.emptyTitle")}
            action={{ content: t("rewards.add"), url: "/app/rewards/new" }}
            image=""
          >
            <p>{t("rewards.emptyBody")}</p>
          </EmptyState>
        ) : (
          <IndexTable
            resourceName={{ singular: t("rewards.singular"), plural: t("rewards.plural") }}
            itemCount={rewards.length}
            selectable={false}
            headings={[
              { title: t("rewards.columns.name") },
              { title: t("rewards.columns.gives") },
              { title: t("rewards.columns.cost") },
              { title: t("rewards.columns.who") },
            ]}
          >
            {rewards.map((reward, index) => (
              <IndexTable.Row
                id={reward.id}
                key={reward.id}
                position={index}
                onClick={() => navigate(`/app/rewards/${reward.id}`)}
              >
                <IndexTable.Cell>
                  <Text as="span" fontWeight="semibold">
                    {reward.name}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{describeReward(t, reward, money)}</IndexTable.Cell>
                <IndexTable.Cell>
                  {isStepped(reward)
                    ? t("rewards.costVariable", { min: reward.minPoints, max: reward.maxPoints })
                    : t("rewards.cost", { points: reward.pointsCost })}
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {reward.tierIds.length ? (
                    reward.tierIds.map((id) => (
                      <Badge key={id}>{tiers.find((tier) => tier.id === id)?.name ?? id}</Badge>
                    ))
                  ) : (
                    <Text as="span" tone="subdued">
                      {t("rewards.everyone")}
                    </Text>
                  )}
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        )}
      </Card>
    </Page>
  );
}

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
