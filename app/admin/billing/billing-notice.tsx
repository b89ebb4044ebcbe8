import { Banner, Box } from "@shopify/polaris";
import { useTranslation } from "~/i18n";
import type { BillingNotice } from "~/loyalty/billing/overview.server";
import { BILLING_PATH } from "./return-url";

/** On every admin page but billing's own: the plan to approve, or a cycle near or at its cap. */
export function BillingNoticeBanner({ notice }: { notice: BillingNotice }) {
  const { t, i18n } = useTranslation();
  // The Shopify admin names the language on every page it opens; the link keeps it.
  const url =
    i18n.language === "en" ? BILLING_PATH : `${BILLING_PATH}?${new URLSearchParams({ locale: i18n.language })}`;
  const action = { content: t("billingNotice.link"), url };
  return (
    <Box padding="400">
      {notice.kind === "approve" ? (
        <Banner tone="warning" title={t("billingNotice.approve.title")} action={action}>
          <p>{t("billingNotice.approve.body")}</p>
        </Banner>
      ) : notice.level === 100 ? (
        <Banner tone="critical" title={t("billingNotice.reached.title")} action={action}>
          <p>{t("billingNotice.reached.body")}</p>
        </Banner>
      ) : (
        <Banner tone="warning" title={t("billingNotice.near.title", { percent: notice.percent })} action={action}>
          <p>{t("billingNotice.near.body")}</p>
        </Banner>
      )}
    </Box>
  );
}
