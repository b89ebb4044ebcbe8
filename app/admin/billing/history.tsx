import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import { useTranslation } from "~/i18n";
import type { MonthRow } from "~/loyalty/billing/overview.server";
import { useBillingMoney } from "./money";

/** The last twelve months: rewards used, what Tally billed for them, and how many it did not. */
export function BillingHistory({ history, currencyCode }: { history: MonthRow[]; currencyCode: string }) {
  const { t, i18n } = useTranslation();
  const money = useBillingMoney();
  const month = new Intl.DateTimeFormat(i18n.language, { month: "long", year: "numeric", timeZone: "UTC" });
  const number = (value: number) => value.toLocaleString(i18n.language);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("billing.history.title")}
        </Text>
        {history.length ? (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric"]}
            headings={[
              t("billing.history.columns.month"),
              t("billing.history.columns.uses"),
              t("billing.history.columns.billed"),
              t("billing.history.columns.unbilled"),
            ]}
            rows={history.map((row) => [
              month.format(new Date(`${row.month}-01T00:00:00Z`)),
              number(row.uses),
              money(row.billedAmount, currencyCode),
              number(row.unbilled),
            ])}
          />
        ) : (
          <Text as="p" tone="subdued">
            {t("billing.history.none")}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
