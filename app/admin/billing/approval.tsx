import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { useTranslation } from "~/i18n";
import type { PlanTerms, SubscriptionSummary } from "~/loyalty/billing/overview.server";
import { useBillingMoney } from "./money";

/** The billing route's action answers Shopify's page to open, or why it could not. */
export type BillingAnswer =
  | { confirmationUrl: string }
  | {
      error: "invalid" | "already_active" | "billing_off" | "no_active_plan" | "invalid_cap" | "shopify_unavailable";
    };

/** A month of rewards used in the price's worked example: well below the default cap. */
const EXAMPLE_USES = 300;

/**
 * Opens Shopify's approval page at the top of the admin, not in the app's frame: App Bridge turns
 * `window.open(url, "_top")` into the Shopify admin's own redirect (plain navigation in the sandbox).
 */
export function openInShopify(confirmationUrl: string) {
  window.open(confirmationUrl, "_top");
}

/** Submits one of the billing route's intents and opens the approval page Shopify answers with. */
export function useShopifyApproval() {
  const fetcher = useFetcher<BillingAnswer>();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data && "confirmationUrl" in fetcher.data) {
      openInShopify(fetcher.data.confirmationUrl);
    }
  }, [fetcher.state, fetcher.data]);
  return {
    busy: fetcher.state !== "idle",
    error: fetcher.state === "idle" && fetcher.data && "error" in fetcher.data ? fetcher.data.error : null,
    submit: (intent: Record<string, string>) => fetcher.submit(intent, { method: "post" }),
  };
}

/** Tally's price in one sentence and a worked example. */
export function PriceExplanation({ plan, cap }: { plan: PlanTerms; cap: number }) {
  const { t } = useTranslation();
  const money = useBillingMoney();
  const fee = money(plan.feePerUse, plan.currencyCode);
  return (
    <BlockStack gap="200">
      <Text as="p" variant="bodyLg">
        {t("billing.price", { fee, cap: money(cap, plan.currencyCode), days: plan.periodDays })}
      </Text>
      <Text as="p" tone="subdued">
        {t("billing.example", {
          uses: EXAMPLE_USES,
          fee,
          total: money(EXAMPLE_USES * plan.feePerUse, plan.currencyCode),
        })}
      </Text>
    </BlockStack>
  );
}

/**
 * No active plan: what it costs, that shoppers see nothing until it is approved, and the way to
 * Shopify's approval page (the stored one while a request waits, else a new request).
 */
export function PlanApproval({ plan, subscription }: { plan: PlanTerms; subscription: SubscriptionSummary | null }) {
  const { t } = useTranslation();
  const approval = useShopifyApproval();
  const status = subscription?.status;
  const pendingUrl = status === "PENDING" ? subscription?.confirmationUrl : null;
  const approve = () => (pendingUrl ? openInShopify(pendingUrl) : approval.submit({ intent: "approve" }));
  return (
    <BlockStack gap="400">
      {status === "DECLINED" || status === "EXPIRED" ? (
        <Banner tone="critical" title={t("billing.declined.title")}>
          <p>{t("billing.declined.body")}</p>
        </Banner>
      ) : null}
      {status === "PENDING" ? (
        <Banner tone="info" title={t("billing.pending.title")}>
          <p>{t("billing.pending.body")}</p>
        </Banner>
      ) : null}
      {approval.error ? <BillingError error={approval.error} /> : null}
      <Card>
        <BlockStack gap="400">
          <Text as="h2" variant="headingMd">
            {t("billing.approve.title")}
          </Text>
          <PriceExplanation plan={plan} cap={plan.defaultCap} />
          <Text as="p">{t("billing.approve.hidden")}</Text>
          <div>
            <Button variant="primary" loading={approval.busy} onClick={approve}>
              {t("billing.approve.button")}
            </Button>
          </div>
        </BlockStack>
      </Card>
    </BlockStack>
  );
}

export function BillingError({ error }: { error: Extract<BillingAnswer, { error: string }>["error"] }) {
  const { t } = useTranslation();
  return (
    <Banner tone={error === "already_active" ? "info" : "critical"}>
      <p>{t(`billing.errors.${error}`)}</p>
    </Banner>
  );
}
