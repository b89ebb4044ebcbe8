import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import { formatMoney } from "~/admin/common/format";
import { useTranslation } from "~/i18n";
import type { Estimate, IncrementalityEstimate } from "~/loyalty/reports/incrementality";
import { minorUnitDigits } from "~/money/currency";
import { toUnits } from "~/money/money";

/**
 * The incrementality estimate on the ROI page (issue 25, docs/roi.md): which method made it, on
 * how many customers, and its 95% interval — never a multiplier.
 */
export function IncrementalitySection({ estimate }: { estimate: IncrementalityEstimate }) {
  const { t, i18n } = useTranslation();
  const money = (minor: number, currencyCode: string | null) =>
    formatMoney(i18n.language, toUnits(minor, minorUnitDigits(currencyCode)), currencyCode);
  const points = (value: number) =>
    `${(value * 100).toLocaleString(i18n.language, { maximumFractionDigits: 1, minimumFractionDigits: 1 })}%`;
  const withInterval = (value: Estimate | null, format: (value: number) => string) => {
    if (!value) return "—";
    if (value.low === null || value.high === null)
      return `${format(value.estimate)} (${t("holdout.estimate.noInterval")})`;
    return `${format(value.estimate)} (${format(value.low)} ${t("holdout.estimate.to")} ${format(value.high)})`;
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("holdout.estimate.title")}
        </Text>
        {estimate.method === "holdout" ? (
          <>
            <Text as="p">{t("holdout.estimate.methodHoldout", { days: estimate.days })}</Text>
            <Text as="p" fontWeight="semibold">
              {t("holdout.estimate.sampleHoldout", { invited: estimate.invited, heldOut: estimate.heldOut })}
            </Text>
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric"]}
              headings={[
                "",
                t("holdout.estimate.invited"),
                t("holdout.estimate.heldOut"),
                t("holdout.estimate.difference"),
              ]}
              rows={[
                [
                  t("holdout.estimate.repeatRate"),
                  points(estimate.repeatRate.invited),
                  points(estimate.repeatRate.heldOut),
                  withInterval(estimate.repeatRate.difference, points),
                ],
                ...estimate.revenuePerCustomer.map((entry) => [
                  t("holdout.estimate.revenuePerCustomer", { currency: entry.currencyCode ?? "—" }),
                  money(entry.invited, entry.currencyCode),
                  money(entry.heldOut, entry.currencyCode),
                  withInterval(entry.difference, (value) => money(value, entry.currencyCode)),
                ]),
              ]}
            />
          </>
        ) : (
          <>
            <Text as="p">{t("holdout.estimate.methodPrePost", { days: estimate.days })}</Text>
            <Text as="p" fontWeight="semibold">
              {t("holdout.estimate.samplePrePost", { members: estimate.members, days: estimate.days })}
            </Text>
            {estimate.revenuePerMember.length ? (
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric"]}
                headings={[
                  "",
                  t("holdout.estimate.before"),
                  t("holdout.estimate.after"),
                  t("holdout.estimate.difference"),
                ]}
                rows={estimate.revenuePerMember.map((entry) => [
                  t("holdout.estimate.revenuePerMember", { currency: entry.currencyCode ?? "—" }),
                  money(entry.before, entry.currencyCode),
                  money(entry.after, entry.currencyCode),
                  withInterval(entry.difference, (value) => money(value, entry.currencyCode)),
                ])}
              />
            ) : (
              <Text as="p">{t("holdout.estimate.empty", { days: estimate.days })}</Text>
            )}
          </>
        )}
        <Text as="p" variant="bodySm" tone="subdued">
          {t("holdout.estimate.interval")}
        </Text>
      </BlockStack>
    </Card>
  );
}
