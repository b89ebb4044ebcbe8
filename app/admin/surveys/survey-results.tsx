import { Link as RemixLink, useSearchParams } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Button,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Page,
  Pagination,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { BarChart, ChartBox, LineChart } from "~/admin/common/chart";
import { DownloadButton } from "~/admin/common/download-button";
import { Figure } from "~/admin/common/figure";
import { useTranslation } from "~/i18n";
import type { Survey } from "~/loyalty/program/program";
import {
  NPS_CATEGORIES,
  type NpsCategory,
  type QuestionResult,
  type SegmentNps,
  type SurveyComment,
  type SurveyResults,
} from "~/loyalty/reports/surveys";

const CHART_HEIGHT = 260;
const CATEGORY_TONE = { promoter: "success", passive: undefined, detractor: "critical" } as const;

/** One survey's results: its NPS, the scores, the trend, the segments, each question, the comments. */
export function SurveyResultsPage({
  survey,
  results,
  comments,
  filters,
}: {
  survey: Survey;
  results: SurveyResults;
  comments: { comments: SurveyComment[]; page: number; hasNext: boolean; total: number };
  filters: { search: string; category: NpsCategory | null };
}) {
  const { t, i18n } = useTranslation();
  const number = (value: number) => value.toLocaleString(i18n.language);
  const nps = (value: number | null) => (value === null ? "—" : number(value));
  const share = (count: number) => (results.answers ? `${Math.round((count / results.answers) * 100)}%` : "—");
  const segmentRow = (label: string, segment: SegmentNps) => [
    label,
    number(segment.answers),
    nps(segment.nps),
    number(segment.promoters),
    number(segment.passives),
    number(segment.detractors),
  ];
  return (
    <Page
      title={t("surveys.results.title", { name: survey.name })}
      backAction={{ content: t("surveys.title"), url: "/app/surveys" }}
      secondaryActions={
        <DownloadButton
          url={`/app/export/surveys/${encodeURIComponent(survey.id)}`}
          fileName={`tally-survey-${survey.id}.csv`}
          label={t("surveys.results.export")}
        />
      }
    >
      <BlockStack gap="500">
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
          <Figure label={t("surveys.results.nps")} value={nps(results.nps)} note={t("surveys.results.npsHelp")} />
          <Figure label={t("surveys.results.answers")} value={number(results.answers)} />
          <Figure label={t("surveys.results.promoters")} value={share(results.counts.promoters)} />
          <Figure label={t("surveys.results.detractors")} value={share(results.counts.detractors)} />
        </InlineGrid>
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingSm">
                {t("surveys.results.distribution")}
              </Text>
              <ChartBox height={CHART_HEIGHT}>
                <BarChart
                  theme="Light"
                  direction="vertical"
                  showLegend={false}
                  yAxisOptions={{ integersOnly: true }}
                  data={[
                    {
                      name: t("surveys.results.answers"),
                      data: results.distribution.map((count, score) => ({ key: String(score), value: count })),
                    },
                  ]}
                />
              </ChartBox>
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingSm">
                {t("surveys.results.trend")}
              </Text>
              <ChartBox height={CHART_HEIGHT}>
                <LineChart
                  theme="Light"
                  showLegend={false}
                  data={[
                    {
                      name: t("surveys.results.nps"),
                      data: results.trend.map((week) => ({ key: week.week, value: week.nps })),
                    },
                  ]}
                />
              </ChartBox>
            </BlockStack>
          </Card>
        </InlineGrid>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingSm">
              {t("surveys.results.segments")}
            </Text>
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
              headings={[
                t("surveys.results.segment"),
                t("surveys.results.answers"),
                t("surveys.results.nps"),
                t("surveys.results.promotersCount"),
                t("surveys.results.passivesCount"),
                t("surveys.results.detractorsCount"),
              ]}
              rows={[
                segmentRow(t("surveys.results.members"), results.segments.members),
                segmentRow(t("surveys.results.guests"), results.segments.guests),
                ...results.segments.tiers.map((tier) =>
                  segmentRow(
                    tier.tierId === null
                      ? t("surveys.results.noTier")
                      : t("surveys.results.tier", { tier: tier.name ?? tier.tierId }),
                    tier,
                  ),
                ),
              ]}
            />
          </BlockStack>
        </Card>
        {results.questions.map((question) => (
          <QuestionCard key={question.id} question={question} />
        ))}
        <Comments comments={comments} filters={filters} />
      </BlockStack>
    </Page>
  );
}

function QuestionCard({ question }: { question: QuestionResult }) {
  const { t, i18n } = useTranslation();
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingSm">
            {question.text}
          </Text>
          <Text as="span" tone="subdued">
            {t("surveys.answers", { number: question.answers.toLocaleString(i18n.language) })}
          </Text>
        </InlineStack>
        {question.type === "text" ? (
          question.latest.length ? (
            <BlockStack gap="200">
              {question.latest.map((answer, index) => (
                <Text as="p" key={index}>
                  {answer.text}
                </Text>
              ))}
            </BlockStack>
          ) : (
            <Text as="p" tone="subdued">
              {t("surveys.results.noAnswers")}
            </Text>
          )
        ) : (
          <>
            {question.type === "rating" && question.average !== null ? (
              <Text as="p">
                {t("surveys.results.average", {
                  average: question.average.toLocaleString(i18n.language, { maximumFractionDigits: 1 }),
                })}
              </Text>
            ) : null}
            <ChartBox height={CHART_HEIGHT}>
              <BarChart
                theme="Light"
                direction="horizontal"
                showLegend={false}
                // Counts: whole numbers only on the value axis.
                xAxisOptions={{ labelFormatter: (value) => (Number.isInteger(Number(value)) ? String(value) : "") }}
                data={[
                  {
                    name: t("surveys.results.answers"),
                    data:
                      question.type === "rating"
                        ? question.counts.map((count, index) => ({ key: `${index + 1} ★`, value: count }))
                        : question.options.map((option) => ({ key: option.label, value: option.count })),
                  },
                ]}
              />
            </ChartBox>
          </>
        )}
      </BlockStack>
    </Card>
  );
}

function Comments({
  comments,
  filters,
}: {
  comments: { comments: SurveyComment[]; page: number; hasNext: boolean; total: number };
  filters: { search: string; category: NpsCategory | null };
}) {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(filters.search);
  useEffect(() => setSearch(filters.search), [filters.search]);
  const withParams = (change: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(change)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    return next;
  };
  const dateFormat = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeZone: "UTC" });
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingSm">
          {t("surveys.comments.title")}
        </Text>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setParams(withParams({ q: search.trim() || null, page: null }));
          }}
        >
          <InlineStack gap="300" blockAlign="end">
            <div style={{ flexGrow: 1 }}>
              <TextField
                label={t("surveys.comments.search")}
                autoComplete="off"
                value={search}
                onChange={setSearch}
                clearButton
                onClearButtonClick={() => {
                  setSearch("");
                  setParams(withParams({ q: null, page: null }));
                }}
              />
            </div>
            <Select
              label={t("surveys.comments.category")}
              options={[
                { value: "", label: t("surveys.comments.all") },
                ...NPS_CATEGORIES.map((category) => ({
                  value: category,
                  label: t(`surveys.categories.${category}`),
                })),
              ]}
              value={filters.category ?? ""}
              onChange={(category) => setParams(withParams({ category: category || null, page: null }))}
            />
            <Button submit>{t("surveys.comments.searchButton")}</Button>
          </InlineStack>
        </form>
        {comments.comments.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("surveys.comments.none")}
          </Text>
        ) : (
          <BlockStack gap="300">
            {comments.comments.map((comment) => (
              <BlockStack key={comment.id} gap="100">
                <InlineStack gap="200" blockAlign="center">
                  <Badge tone={CATEGORY_TONE[comment.category]}>
                    {t("surveys.comments.score", { score: comment.score })}
                  </Badge>
                  <Text as="span" tone="subdued">
                    {dateFormat.format(new Date(comment.createdAt))}
                  </Text>
                  {comment.memberId ? (
                    <RemixLink to={`/app/members/${encodeURIComponent(comment.memberId)}`}>
                      {comment.memberEmail ?? t("surveys.comments.member")}
                    </RemixLink>
                  ) : (
                    <Text as="span" tone="subdued">
                      {t("surveys.comments.guest")}
                    </Text>
                  )}
                </InlineStack>
                {comment.redacted ? (
                  <Text as="p" tone="subdued">
                    {t("surveys.comments.redacted")}
                  </Text>
                ) : (
                  <Text as="p">{comment.comment}</Text>
                )}
              </BlockStack>
            ))}
          </BlockStack>
        )}
        <InlineStack align="space-between" blockAlign="center">
          <Text as="span" tone="subdued">
            {t("surveys.comments.count", { number: comments.total.toLocaleString(i18n.language) })}
          </Text>
          <Pagination
            hasPrevious={comments.page > 1}
            hasNext={comments.hasNext}
            onPrevious={() => setParams(withParams({ page: comments.page > 2 ? String(comments.page - 1) : null }))}
            onNext={() => setParams(withParams({ page: String(comments.page + 1) }))}
          />
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
