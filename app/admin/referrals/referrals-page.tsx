import { Banner, BlockStack, InlineGrid, InlineStack, Text } from "@shopify/polaris";
import { Figure } from "~/admin/common/figure";
import { formatMoney } from "~/admin/common/format";
import { ProgramPage, useProgramEditor } from "~/admin/common/program-editor";
import { RangePicker } from "~/admin/common/range-picker";
import { useTranslation } from "~/i18n";
import type { Program } from "~/loyalty/program/program";
import type { DashboardRange } from "~/loyalty/reports/dashboard.server";
import type { ReferralFigures, ReferralFilter, ReferralListPage } from "~/loyalty/reports/referrals.server";
import { ReferralList } from "./referral-list";
import { ReferralSettings } from "./referral-settings";

/** What the referrals route loads for the page. */
export interface ReferralsPageData extends ReferralListPage {
  program: Program;
  revision: number;
  range: DashboardRange;
  figures: ReferralFigures;
  currencyCode: string | null;
  status: ReferralFilter;
}

/** The referral program: its figures, the referrals (held ones to review) and its settings. */
export function ReferralsPage(data: ReferralsPageData) {
  const editor = useProgramEditor(data);
  const { t } = useTranslation();
  return (
    <ProgramPage title={t("referrals.title")} editor={editor}>
      <BlockStack gap="500">
        {/* What runs: the saved settings, not the unsaved checkbox below. */}
        {!editor.savedProgram.referrals.enabled ? (
          <Banner tone="info" title={t("referrals.off.title")}>
            <p>{t("referrals.off.body")}</p>
          </Banner>
        ) : null}
        <ReferralNumbers figures={data.figures} range={data.range} currencyCode={data.currencyCode} />
        <ReferralList
          referrals={data.referrals}
          status={data.status}
          awaitingReview={data.figures.awaitingReview}
          nextCursor={data.nextCursor}
          previousCursor={data.previousCursor}
          currencyCode={data.currencyCode}
        />
        <BlockStack gap="300">
          <Text as="h2" variant="headingLg">
            {t("referrals.settings.title")}
          </Text>
          <ReferralSettings editor={editor} currencyCode={data.currencyCode} />
        </BlockStack>
      </BlockStack>
    </ProgramPage>
  );
}

function ReferralNumbers({
  figures,
  range,
  currencyCode,
}: Pick<ReferralsPageData, "figures" | "range" | "currencyCode">) {
  const { t, i18n } = useTranslation();
  const number = (value: number) => value.toLocaleString(i18n.language);
  return (
    <BlockStack gap="300">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h2" variant="headingLg">
          {t("referrals.numbers.title")}
        </Text>
        <RangePicker range={range} />
      </InlineStack>
      <InlineGrid columns={{ xs: 2, md: 3 }} gap="400">
        <Figure label={t("referrals.numbers.visits")} value={number(figures.visits)} />
        <Figure label={t("referrals.numbers.referrals")} value={number(figures.referrals)} />
        <Figure label={t("referrals.numbers.conversions")} value={number(figures.conversions)} />
        <Figure label={t("referrals.numbers.rewarded")} value={number(figures.rewarded)} />
        <Figure
          label={t("referrals.numbers.revenue")}
          value={formatMoney(i18n.language, figures.revenue, currencyCode)}
        />
        <Figure
          label={t("referrals.numbers.awaitingReview")}
          value={number(figures.awaitingReview)}
          note={t("referrals.numbers.awaitingReviewNote")}
        />
      </InlineGrid>
    </BlockStack>
  );
}
