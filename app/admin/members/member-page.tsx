import { Badge, BlockStack, Card, DataTable, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { Figure } from "~/admin/common/figure";
import { useTranslation } from "~/i18n";
import type { MemberDetail } from "~/loyalty/members/list.server";
import { AdjustmentForm } from "./adjustment-form";

/** A member: balance, ledger, redemptions, tier history, and the manual adjustment. */
export function MemberPage(detail: MemberDetail) {
  const { t, i18n } = useTranslation();
  const { member } = detail;
  const name = [member.firstName, member.lastName].filter(Boolean).join(" ");
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeStyle: "short" });
  const number = (value: number) => value.toLocaleString(i18n.language);
  return (
    <Page
      title={name || member.email || t("members.redacted")}
      subtitle={name ? (member.email ?? undefined) : undefined}
      backAction={{ content: t("members.title"), url: "/app/members" }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <InlineGrid columns={3} gap="400">
              <Figure label={t("member.balance")} value={number(member.balance)} />
              <Figure label={t("member.pending")} value={number(member.pending)} />
              <Figure
                label={t("member.tier")}
                value={member.tier?.name ?? t("member.noTier")}
                note={
                  member.compTier
                    ? t("member.compTier", {
                        tier: member.compTier.name,
                        date: new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium" }).format(
                          new Date(member.compTier.until),
                        ),
                      })
                    : undefined
                }
              />
            </InlineGrid>
            <Card padding="0">
              <div style={{ padding: "var(--p-space-400)" }}>
                <Text as="h2" variant="headingMd">
                  {t("member.ledger")}
                </Text>
              </div>
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric"]}
                headings={[
                  t("member.columns.date"),
                  t("member.columns.what"),
                  t("member.columns.points"),
                  t("member.columns.pending"),
                ]}
                rows={detail.ledger.map((entry) => [
                  date.format(new Date(entry.createdAt)),
                  entry.description,
                  signed(entry.delta),
                  signed(entry.pendingDelta),
                ])}
                footerContent={detail.ledgerTruncated ? t("member.ledgerTruncated") : undefined}
              />
            </Card>
            <Card padding="0">
              <div style={{ padding: "var(--p-space-400)" }}>
                <Text as="h2" variant="headingMd">
                  {t("member.redemptions")}
                </Text>
              </div>
              {detail.redemptions.length ? (
                <DataTable
                  columnContentTypes={["text", "text", "text", "numeric", "text"]}
                  headings={[
                    t("member.columns.date"),
                    t("member.columns.reward"),
                    t("member.columns.code"),
                    t("member.columns.points"),
                    t("member.columns.status"),
                  ]}
                  rows={detail.redemptions.map((redemption) => [
                    date.format(new Date(redemption.createdAt)),
                    redemption.rewardName,
                    redemption.code,
                    number(redemption.pointsSpent),
                    <Badge
                      key={redemption.id}
                      tone={
                        redemption.status === "active"
                          ? "success"
                          : redemption.status === "failed"
                            ? "critical"
                            : undefined
                      }
                    >
                      {t(`member.redemptionStatus.${redemption.status}`)}
                    </Badge>,
                  ])}
                />
              ) : (
                <div style={{ padding: "0 var(--p-space-400) var(--p-space-400)" }}>
                  <Text as="p" tone="subdued">
                    {t("member.noRedemptions")}
                  </Text>
                </div>
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <AdjustmentForm canAdjust={Boolean(member.shopifyCustomerId)} />
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("member.tierHistory")}
                </Text>
                {detail.tierHistory.length ? (
                  detail.tierHistory.map((change) => (
                    <Text as="p" key={change.id}>
                      {t("member.tierChange", {
                        date: date.format(new Date(change.createdAt)),
                        from: change.from?.name ?? t("member.noTier"),
                        to: change.to?.name ?? t("member.noTier"),
                      })}
                    </Text>
                  ))
                ) : (
                  <Text as="p" tone="subdued">
                    {t("member.noTierChanges")}
                  </Text>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

const signed = (value: number) => (value > 0 ? `+${value}` : value === 0 ? "" : String(value));
