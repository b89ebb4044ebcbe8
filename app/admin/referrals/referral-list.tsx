import { useFetcher, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  IndexTable,
  InlineStack,
  Link,
  Tabs,
  Text,
  type BadgeProps,
} from "@shopify/polaris";
import { useState } from "react";
import { formatMoney } from "~/admin/common/format";
import { useTranslation } from "~/i18n";
import type { ReferralFilter, ReferralListPage, ReferralRow, ReferralStatus } from "~/loyalty/reports/referrals.server";

const FILTERS: ReferralFilter[] = ["all", "review", "awaiting", "qualifying", "rewarded", "closed"];

const STATUS_TONES: Partial<Record<ReferralStatus, BadgeProps["tone"]>> = {
  held: "warning",
  capped: "warning",
  rejected: "critical",
  rewarded: "success",
  qualifying: "info",
};

/** The merchant's decision on a held referral, as the referrals route answers it. */
export type ReviewOutcome =
  { ok: true; decision: "approve" | "reject" } | { ok: false; error: "invalid" | "not_found" | "not_reviewable" };

/** The referrals, filtered by status and paged; held ones carry Approve and Reject. */
export function ReferralList({
  referrals,
  status,
  awaitingReview,
  nextCursor,
  previousCursor,
  currencyCode,
}: ReferralListPage & { status: ReferralFilter; awaitingReview: number; currencyCode: string | null }) {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const review = useFetcher<ReviewOutcome>();
  const reviewing = review.state !== "idle" ? review.formData?.get("referralId") : null;
  const [dismissed, setDismissed] = useState<ReviewOutcome | undefined>();
  const outcome = review.state === "idle" && review.data !== dismissed ? review.data : undefined;
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium" });
  const page = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    setParams(next);
  };
  const decide = (row: ReferralRow, intent: "approve" | "reject") =>
    review.submit({ intent, referralId: row.id }, { method: "post" });
  const when = (row: ReferralRow) =>
    row.rewardedAt
      ? t("referrals.list.rewardedOn", { date: date.format(new Date(row.rewardedAt)) })
      : row.qualifiesAt && row.status === "qualifying"
        ? t("referrals.list.qualifiesOn", { date: date.format(new Date(row.qualifiesAt)) })
        : "—";
  return (
    <BlockStack gap="300">
      <Text as="h2" variant="headingLg">
        {t("referrals.list.title")}
      </Text>
      {outcome ? (
        <Banner tone={outcome.ok ? "success" : "critical"} onDismiss={() => setDismissed(outcome)}>
          <p>
            {outcome.ok
              ? t(`referrals.review.done.${outcome.decision}`)
              : t(`referrals.review.errors.${outcome.error}`)}
          </p>
        </Banner>
      ) : null}
      <Card padding="0">
        <Tabs
          tabs={FILTERS.map((filter) => ({
            id: `referrals-${filter}`,
            content:
              filter === "review" && awaitingReview
                ? t("referrals.filters.reviewCount", { count: awaitingReview })
                : t(`referrals.filters.${filter}`),
          }))}
          selected={FILTERS.indexOf(status)}
          onSelect={(index) =>
            page({ status: FILTERS[index] === "all" ? null : FILTERS[index]!, after: null, before: null })
          }
        />
        <IndexTable
          resourceName={{ singular: t("referrals.list.singular"), plural: t("referrals.list.plural") }}
          itemCount={referrals.length}
          selectable={false}
          headings={[
            { title: t("referrals.list.columns.date") },
            { title: t("referrals.list.columns.referrer") },
            { title: t("referrals.list.columns.friend") },
            { title: t("referrals.list.columns.status") },
            { title: t("referrals.list.columns.signals") },
            { title: t("referrals.list.columns.order") },
            { title: t("referrals.list.columns.when") },
            { title: t("referrals.list.columns.review") },
          ]}
          emptyState={
            <Text as="p" alignment="center" tone="subdued">
              {status === "all" ? t("referrals.list.none") : t("referrals.list.noneWithStatus")}
            </Text>
          }
          // Arrows only when there is another page to go to.
          pagination={
            nextCursor || previousCursor
              ? {
                  hasNext: Boolean(nextCursor),
                  hasPrevious: Boolean(previousCursor),
                  onNext: () => page({ after: nextCursor, before: null }),
                  onPrevious: () => page({ before: previousCursor, after: null }),
                }
              : undefined
          }
        >
          {referrals.map((row, index) => (
            <IndexTable.Row id={row.id} key={row.id} position={index}>
              <IndexTable.Cell>{date.format(new Date(row.createdAt))}</IndexTable.Cell>
              <IndexTable.Cell>
                <Link url={`/app/members/${row.referrer.id}`} removeUnderline>
                  {row.referrer.email ?? row.referrer.name ?? t("members.redacted")}
                </Link>
              </IndexTable.Cell>
              <IndexTable.Cell>{t("referrals.list.customer", { id: row.refereeCustomerId })}</IndexTable.Cell>
              <IndexTable.Cell>
                <Badge tone={STATUS_TONES[row.status]}>{t(`referrals.statuses.${row.status}`)}</Badge>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <BlockStack gap="100">
                  {row.signals.map((signal) => (
                    <Text as="span" key={signal.kind} tone={signal.severity === "hard" ? "critical" : undefined}>
                      {t("referrals.signal", {
                        signal: t(`referrals.signals.${signal.kind}`),
                        severity: t(`referrals.severities.${signal.severity}`),
                      })}
                    </Text>
                  ))}
                </BlockStack>
              </IndexTable.Cell>
              <IndexTable.Cell>
                {row.order
                  ? t("referrals.list.order", {
                      name: row.order.name ?? "—",
                      amount: formatMoney(i18n.language, row.order.amount, currencyCode),
                    })
                  : t("referrals.list.noOrder")}
              </IndexTable.Cell>
              <IndexTable.Cell>{when(row)}</IndexTable.Cell>
              <IndexTable.Cell>
                {row.reviewable ? (
                  <InlineStack gap="200" wrap={false}>
                    <Button
                      size="slim"
                      variant="primary"
                      loading={reviewing === row.id}
                      disabled={Boolean(reviewing)}
                      onClick={() => decide(row, "approve")}
                      accessibilityLabel={t("referrals.review.approveLabel", { id: row.refereeCustomerId })}
                    >
                      {t("referrals.review.approve")}
                    </Button>
                    <Button
                      size="slim"
                      tone="critical"
                      disabled={Boolean(reviewing)}
                      onClick={() => decide(row, "reject")}
                      accessibilityLabel={t("referrals.review.rejectLabel", { id: row.refereeCustomerId })}
                    >
                      {t("referrals.review.reject")}
                    </Button>
                  </InlineStack>
                ) : null}
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      </Card>
    </BlockStack>
  );
}
