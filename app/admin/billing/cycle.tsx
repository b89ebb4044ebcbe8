import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineStack,
  List,
  ProgressBar,
  Select,
  Text,
  type BadgeProps,
} from "@shopify/polaris";
import { useState } from "react";
import { useTranslation } from "~/i18n";
import type { BillingOverview, PlanTerms, SubscriptionSummary } from "~/loyalty/billing/overview.server";
import { UNBILLED_REASONS, type UsageChargeStatus } from "~/loyalty/billing/plan";
import { BillingError, useShopifyApproval } from "./approval";
import { useBillingMoney } from "./money";

const CHARGE_TONES: Record<UsageChargeStatus, BadgeProps["tone"]> = {
  billed: "success",
  queued: "info",
  unbilled: "attention",
};

/** The active plan's cycle: what is used of the cap, until when, and a higher cap to ask for. */
export function CycleUsage({ plan, subscription }: { plan: PlanTerms; subscription: SubscriptionSummary }) {
  const { t, i18n } = useTranslation();
  const money = useBillingMoney();
  const { balanceUsed, cappedAmount, currencyCode, currentPeriodEnd, capLevel } = subscription;
  const progress = cappedAmount > 0 ? Math.min(100, (balanceUsed * 100) / cappedAmount) : 100;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("billing.usage.title")}
        </Text>
        <Text as="p">
          {t("billing.usage.used", { used: money(balanceUsed, currencyCode), cap: money(cappedAmount, currencyCode) })}
        </Text>
        <ProgressBar
          progress={progress}
          tone={capLevel === 100 ? "critical" : capLevel ? "highlight" : "primary"}
          size="small"
        />
        {currentPeriodEnd ? (
          <Text as="p" tone="subdued">
            {t("billing.usage.ends", {
              date: new Intl.DateTimeFormat(i18n.language, { dateStyle: "long" }).format(new Date(currentPeriodEnd)),
            })}
          </Text>
        ) : null}
        {capLevel === 100 ? (
          <Banner tone="critical">
            <p>{t("billing.usage.capReached")}</p>
          </Banner>
        ) : null}
        <CapRaise plan={plan} subscription={subscription} />
      </BlockStack>
    </Card>
  );
}

/** The caps above the current one; Shopify asks the merchant to approve the one chosen. */
function CapRaise({ plan, subscription }: { plan: PlanTerms; subscription: SubscriptionSummary }) {
  const { t } = useTranslation();
  const money = useBillingMoney();
  const approval = useShopifyApproval();
  const higher = plan.capChoices.filter((cap) => cap > subscription.cappedAmount);
  const [cap, setCap] = useState(String(higher[0] ?? ""));
  if (!higher.length) {
    return (
      <Text as="p" tone="subdued">
        {t("billing.raise.highest")}
      </Text>
    );
  }
  return (
    <BlockStack gap="200">
      {approval.error ? <BillingError error={approval.error} /> : null}
      <InlineStack gap="300" blockAlign="end">
        <Select
          label={t("billing.raise.label", { days: plan.periodDays })}
          options={higher.map((choice) => ({ label: money(choice, subscription.currencyCode), value: String(choice) }))}
          value={cap}
          onChange={setCap}
        />
        <Button loading={approval.busy} onClick={() => approval.submit({ intent: "raise_cap", cap })}>
          {t("billing.raise.button")}
        </Button>
      </InlineStack>
      <Text as="p" tone="subdued">
        {t("billing.raise.help")}
      </Text>
    </BlockStack>
  );
}

/** Every reward used this cycle (the newest when there are many) and why some were not billed. */
export function CycleCharges({ cycle }: { cycle: BillingOverview["cycle"] }) {
  const { t, i18n } = useTranslation();
  const money = useBillingMoney();
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeStyle: "short" });
  const unbilledTotal = UNBILLED_REASONS.reduce((sum, reason) => sum + cycle.unbilled[reason], 0);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("billing.charges.title")}
        </Text>
        {cycle.charges.length ? (
          <DataTable
            columnContentTypes={["text", "text", "numeric", "text"]}
            headings={[
              t("billing.charges.columns.date"),
              t("billing.charges.columns.description"),
              t("billing.charges.columns.amount"),
              t("billing.charges.columns.status"),
            ]}
            rows={cycle.charges.map((charge) => [
              date.format(new Date(charge.usedAt)),
              charge.description,
              money(charge.amount, charge.currencyCode),
              <Badge key={charge.id} tone={CHARGE_TONES[charge.status]}>
                {charge.unbilledReason
                  ? `${t("billing.charges.unbilled")} · ${t(`billing.unbilled.${charge.unbilledReason}`)}`
                  : t(`billing.charges.${charge.status}`)}
              </Badge>,
            ])}
          />
        ) : (
          <Text as="p" tone="subdued">
            {t("billing.charges.none")}
          </Text>
        )}
        {cycle.chargeCount > cycle.charges.length ? (
          <Text as="p" tone="subdued">
            {t("billing.charges.more", { shown: cycle.charges.length, total: cycle.chargeCount })}
          </Text>
        ) : null}
        {unbilledTotal ? (
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              {t("billing.unbilled.title", { number: unbilledTotal })}
            </Text>
            <List>
              {UNBILLED_REASONS.filter((reason) => cycle.unbilled[reason]).map((reason) => (
                <List.Item key={reason}>
                  {t("billing.unbilled.line", {
                    reason: t(`billing.unbilled.${reason}`),
                    number: cycle.unbilled[reason],
                  })}
                </List.Item>
              ))}
            </List>
            <Text as="p" tone="subdued">
              {t("billing.unbilled.never")}
            </Text>
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
