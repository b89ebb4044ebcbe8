import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  IndexTable,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Select,
  Tabs,
  Text,
  type BadgeProps,
} from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { adminContext, adminProgram, shopCurrencyCode } from "~/admin/common/admin-context.server";
import { RangePicker } from "~/admin/common/range-picker";
import { NumberField } from "~/admin/common/fields";
import { Figure } from "~/admin/common/figure";
import { formatMoney } from "~/admin/common/format";
import { ProgramPage, useProgramEditor, type ProgramEditor } from "~/admin/common/program-editor";
import { saveProgramFromPage } from "~/admin/common/program-save.server";
import { describeReward } from "~/admin/common/rewards";
import prisma from "~/db.server";
import { useTranslation } from "~/i18n";
import { dashboardRangeFromSearch } from "~/loyalty/reports/dashboard.server";
import type { Referrals } from "~/loyalty/program/program";
import {
  listReferrals,
  listReferralsOptionsSchema,
  referralFigures,
  referralInShop,
  ReferralListRequestError,
  type ReferralFilter,
  type ReferralRow,
  type ReferralStatus,
} from "~/loyalty/reports/referrals.server";
import { reviewReferral } from "~/loyalty/referrals/referrals.server";
import { requireMethod } from "~/http/methods.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, shop, program, revision } = await adminProgram(request);
  const search = new URL(request.url).searchParams;
  const range = dashboardRangeFromSearch(search);
  const options = listReferralsOptionsSchema.safeParse(Object.fromEntries(search));
  if (!range.success || !options.success) throw Response.json({ error: "invalid_options" }, { status: 400 });
  try {
    const [page, figures, currencyCode] = await Promise.all([
      listReferrals(prisma, shop.id, options.data),
      referralFigures(prisma, shop.id, range.data),
      shopCurrencyCode(session),
    ]);
    return { program, revision, range: range.data, figures, currencyCode, status: options.data.status, ...page };
  } catch (error) {
    if (error instanceof ReferralListRequestError) throw Response.json({ error: error.message }, { status: 400 });
    throw error;
  }
}

const reviewRequest = z.object({ intent: z.enum(["approve", "reject"]), referralId: z.string().min(1).max(100) });

export type ReviewOutcome =
  { ok: true; decision: "approve" | "reject" } | { ok: false; error: "invalid" | "not_found" | "not_reviewable" };

/** The settings' Save (the program document, as JSON) or the merchant's decision on a held referral (a form). */
export async function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "GET", "POST");
  if (request.headers.get("Content-Type")?.includes("application/json")) return saveProgramFromPage(request);
  const { shop } = await adminContext(request);
  const parsed = reviewRequest.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ ok: false, error: "invalid" } satisfies ReviewOutcome, { status: 400 });
  const referralId = await referralInShop(prisma, shop.id, parsed.data.referralId);
  if (!referralId) return Response.json({ ok: false, error: "not_found" } satisfies ReviewOutcome, { status: 404 });
  const reviewed = await reviewReferral(prisma, shop.id, referralId, parsed.data.intent, new Date());
  if (!reviewed) return Response.json({ ok: false, error: "not_reviewable" } satisfies ReviewOutcome, { status: 400 });
  return Response.json({ ok: true, decision: parsed.data.intent } satisfies ReviewOutcome);
}

export default function ReferralsPage() {
  const data = useLoaderData<typeof loader>();
  const editor = useProgramEditor(data);
  const { t } = useTranslation();
  return (
    <ProgramPage title={t("referrals.title")} editor={editor}>
      <BlockStack gap="500">
        {!editor.draft.referrals.enabled ? (
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
          <ReferralSettings editor={editor} />
        </BlockStack>
      </BlockStack>
    </ProgramPage>
  );
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function ReferralNumbers({ figures, range, currencyCode }: Pick<LoaderData, "figures" | "range" | "currencyCode">) {
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

const FILTERS: ReferralFilter[] = ["all", "review", "awaiting", "qualifying", "rewarded", "closed"];

const STATUS_TONES: Partial<Record<ReferralStatus, BadgeProps["tone"]>> = {
  held: "warning",
  capped: "warning",
  rejected: "critical",
  rewarded: "success",
  qualifying: "info",
};

function ReferralList({
  referrals,
  status,
  awaitingReview,
  nextCursor,
  previousCursor,
  currencyCode,
}: Pick<LoaderData, "referrals" | "status" | "nextCursor" | "previousCursor" | "currencyCode"> & {
  awaitingReview: number;
}) {
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
          pagination={{
            hasNext: Boolean(nextCursor),
            hasPrevious: Boolean(previousCursor),
            onNext: () => page({ after: nextCursor, before: null }),
            onPrevious: () => page({ before: previousCursor, after: null }),
          }}
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

/** The `referrals` part of the program document. */
function ReferralSettings({ editor }: { editor: ProgramEditor }) {
  const { t } = useTranslation();
  const { draft, errorFor } = editor;
  const settings = draft.referrals;
  const set = (change: (referrals: Referrals) => void) => editor.update((p) => change(p.referrals));
  const rewards = draft.rewards;
  const prize = settings.referrerReward;
  const offer = settings.refereeReward;
  const velocity = settings.fraud.velocity;
  return (
    <Layout>
      <Layout.AnnotatedSection
        title={t("referrals.settings.status.title")}
        description={t("referrals.settings.status.description")}
      >
        <Card>
          <Checkbox
            label={t("referrals.settings.status.enabled")}
            helpText={t("referrals.settings.status.enabledHelp")}
            checked={settings.enabled}
            onChange={(checked) => set((r) => void (r.enabled = checked))}
          />
        </Card>
      </Layout.AnnotatedSection>

      <Layout.AnnotatedSection
        title={t("referrals.settings.rewards.title")}
        description={t("referrals.settings.rewards.description")}
      >
        <Card>
          <FormLayout>
            <FormLayout.Group>
              <Select
                label={t("referrals.settings.rewards.referrerType")}
                options={[
                  { value: "points", label: t("referrals.settings.rewards.referrerTypes.points") },
                  {
                    value: "reward",
                    label: t("referrals.settings.rewards.referrerTypes.reward"),
                    disabled: rewards.length === 0,
                  },
                ]}
                value={prize.type}
                onChange={(type) =>
                  set(
                    (r) =>
                      void (r.referrerReward =
                        type === "reward"
                          ? { type: "reward", rewardId: rewards[0]?.id ?? "" }
                          : { type: "points", points: 500 }),
                  )
                }
              />
              {prize.type === "points" ? (
                <NumberField
                  label={t("referrals.settings.rewards.referrerPoints")}
                  value={prize.points}
                  error={errorFor("referrals.referrerReward.points")}
                  onChange={(value) => set((r) => void (r.referrerReward = { type: "points", points: value ?? 0 }))}
                />
              ) : (
                <Select
                  label={t("referrals.settings.rewards.referrerRewardId")}
                  options={rewards.map((reward) => ({
                    value: reward.id,
                    label: `${reward.name} — ${describeReward(t, reward)}`,
                  }))}
                  value={prize.rewardId}
                  error={errorFor("referrals.referrerReward.rewardId")}
                  onChange={(rewardId) => set((r) => void (r.referrerReward = { type: "reward", rewardId }))}
                />
              )}
            </FormLayout.Group>
            <FormLayout.Group>
              <Select
                label={t("referrals.settings.rewards.refereeType")}
                options={(["percentage", "fixed_amount", "free_shipping"] as const).map((value) => ({
                  value,
                  label: t(`referrals.settings.rewards.refereeTypes.${value}`),
                }))}
                value={offer.type}
                onChange={(type) =>
                  set((r) => {
                    r.refereeReward =
                      type === "percentage"
                        ? { type, percentage: 10 }
                        : type === "fixed_amount"
                          ? { type, amount: 5 }
                          : { type: "free_shipping" };
                  })
                }
              />
              {offer.type === "percentage" ? (
                <NumberField
                  label={t("referrals.settings.rewards.refereePercentage")}
                  value={offer.percentage}
                  error={errorFor("referrals.refereeReward.percentage")}
                  onChange={(value) =>
                    set((r) => void (r.refereeReward = { type: "percentage", percentage: value ?? 0 }))
                  }
                />
              ) : offer.type === "fixed_amount" ? (
                <NumberField
                  label={t("referrals.settings.rewards.refereeAmount")}
                  value={offer.amount}
                  error={errorFor("referrals.refereeReward.amount")}
                  onChange={(value) =>
                    set((r) => void (r.refereeReward = { type: "fixed_amount", amount: value ?? 0 }))
                  }
                />
              ) : null}
            </FormLayout.Group>
          </FormLayout>
        </Card>
      </Layout.AnnotatedSection>

      <Layout.AnnotatedSection
        title={t("referrals.settings.rules.title")}
        description={t("referrals.settings.rules.description")}
      >
        <Card>
          <FormLayout>
            <FormLayout.Group>
              <NumberField
                label={t("referrals.settings.rules.attributionDays")}
                helpText={t("referrals.settings.rules.attributionDaysHelp")}
                value={settings.attributionDays}
                error={errorFor("referrals.attributionDays")}
                onChange={(value) => set((r) => void (r.attributionDays = value ?? 0))}
              />
              <NumberField
                label={t("referrals.settings.rules.minimumOrder")}
                value={settings.minimumOrder}
                error={errorFor("referrals.minimumOrder")}
                onChange={(value) => set((r) => void (r.minimumOrder = value ?? 0))}
              />
            </FormLayout.Group>
            <FormLayout.Group>
              <NumberField
                label={t("referrals.settings.rules.holdDays")}
                helpText={t("referrals.settings.rules.holdDaysHelp")}
                value={settings.holdDays}
                error={errorFor("referrals.holdDays")}
                onChange={(value) => set((r) => void (r.holdDays = value ?? 0))}
              />
              <NumberField
                label={t("referrals.settings.rules.monthlyCap")}
                helpText={t("referrals.settings.rules.monthlyCapHelp")}
                value={settings.monthlyCapPerReferrer}
                error={errorFor("referrals.monthlyCapPerReferrer")}
                onChange={(value) => set((r) => void (r.monthlyCapPerReferrer = value))}
              />
            </FormLayout.Group>
          </FormLayout>
        </Card>
      </Layout.AnnotatedSection>

      <Layout.AnnotatedSection
        title={t("referrals.settings.fraud.title")}
        description={t("referrals.settings.fraud.description")}
      >
        <Card>
          <FormLayout>
            <Checkbox
              label={t("referrals.settings.fraud.selfReferral")}
              helpText={t("referrals.settings.fraud.selfReferralHelp")}
              checked={settings.fraud.selfReferral}
              onChange={(checked) => set((r) => void (r.fraud.selfReferral = checked))}
            />
            <Checkbox
              label={t("referrals.settings.fraud.existingCustomer")}
              helpText={t("referrals.settings.fraud.existingCustomerHelp")}
              checked={settings.fraud.existingCustomer}
              onChange={(checked) => set((r) => void (r.fraud.existingCustomer = checked))}
            />
            <Checkbox
              label={t("referrals.settings.fraud.disposableEmail")}
              helpText={t("referrals.settings.fraud.disposableEmailHelp")}
              checked={settings.fraud.disposableEmail}
              onChange={(checked) => set((r) => void (r.fraud.disposableEmail = checked))}
            />
            <Checkbox
              label={t("referrals.settings.fraud.velocity")}
              helpText={t("referrals.settings.fraud.velocityHelp")}
              checked={velocity.enabled}
              onChange={(checked) => set((r) => void (r.fraud.velocity.enabled = checked))}
            />
            {velocity.enabled ? (
              <FormLayout.Group>
                <NumberField
                  label={t("referrals.settings.fraud.maxReferrals")}
                  value={velocity.maxReferrals}
                  error={errorFor("referrals.fraud.velocity.maxReferrals")}
                  onChange={(value) => set((r) => void (r.fraud.velocity.maxReferrals = value ?? 0))}
                />
                <NumberField
                  label={t("referrals.settings.fraud.windowHours")}
                  value={velocity.windowHours}
                  error={errorFor("referrals.fraud.velocity.windowHours")}
                  onChange={(value) => set((r) => void (r.fraud.velocity.windowHours = value ?? 0))}
                />
              </FormLayout.Group>
            ) : null}
          </FormLayout>
        </Card>
      </Layout.AnnotatedSection>
    </Layout>
  );
}
