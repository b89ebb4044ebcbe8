import { useFetcher, useRevalidator } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DropZone,
  InlineStack,
  Layout,
  List,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { DownloadButton } from "~/admin/common/download-button";
import { useTranslation } from "~/i18n";
import type { ImportFormat, ImportRowIssue } from "~/loyalty/members/import";
import type { ImportPreview, ImportProgress } from "~/loyalty/members/import.server";

/** What the import route answers an upload (a preview) or a confirmation. */
export type ImportActionResult = { ok: true; preview?: ImportPreview } | { ok: false; error: string };

/** Import from another app's CSV (preview, then confirm; progress follows), and export members and ledger. */
export function ImportExport({
  imports,
  formatLabels,
  maxBytes,
}: {
  imports: ImportProgress[];
  formatLabels: Record<ImportFormat, string>;
  maxBytes: number;
}) {
  const { t } = useTranslation();
  const upload = useFetcher<ImportActionResult>();
  const confirm = useFetcher<ImportActionResult>();
  const revalidator = useRevalidator();
  const [fileError, setFileError] = useState<string | null>(null);
  const preview = upload.data?.ok ? upload.data.preview : undefined;
  const confirmed = confirm.data?.ok === true;

  // While an import runs, follow its progress.
  const running = imports.some((run) => run.status === "queued" || run.status === "running");
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 1500);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  const onDrop = async (_all: File[], accepted: File[]) => {
    setFileError(null);
    const file = accepted[0];
    if (!file) return setFileError(t("import.notCsv"));
    if (file.size > maxBytes) return setFileError(t("import.tooLarge"));
    upload.submit(
      { intent: "preview", csv: await file.text(), fileName: file.name },
      { method: "post", encType: "application/json" },
    );
  };
  return (
    <Page title={t("import.title")}>
      <Layout>
        <Layout.AnnotatedSection title={t("import.uploadTitle")} description={t("import.uploadDescription")}>
          <Card>
            <BlockStack gap="400">
              <DropZone
                accept=".csv,text/csv"
                type="file"
                allowMultiple={false}
                onDrop={onDrop}
                label={t("import.dropLabel")}
              >
                <DropZone.FileUpload actionTitle={t("import.choose")} actionHint={t("import.hint")} />
              </DropZone>
              {fileError ? <Banner tone="critical">{fileError}</Banner> : null}
              {upload.data && !upload.data.ok ? (
                <Banner tone="critical" title={t("import.unreadable")}>
                  {upload.data.error}
                </Banner>
              ) : null}
              {preview && !confirmed ? (
                <PreviewSummary
                  preview={preview}
                  formatLabels={formatLabels}
                  onConfirm={() =>
                    confirm.submit(
                      { intent: "confirm", importId: preview.id },
                      { method: "post", encType: "application/json" },
                    )
                  }
                  confirming={confirm.state !== "idle"}
                />
              ) : null}
              {confirmed ? <Banner tone="info">{t("import.started")}</Banner> : null}
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("import.runsTitle")} description={t("import.runsDescription")}>
          <Card>
            <BlockStack gap="400">
              {imports.filter((run) => run.status !== "previewed").length === 0 ? (
                <Text as="p" tone="subdued">
                  {t("import.noRuns")}
                </Text>
              ) : null}
              {imports
                .filter((run) => run.status !== "previewed")
                .map((run) => (
                  <BlockStack gap="200" key={run.id}>
                    <InlineStack align="space-between">
                      <Text as="h3" variant="headingSm">
                        {run.fileName ?? formatLabels[run.format]}
                      </Text>
                      <Badge tone={run.status === "done" ? "success" : run.status === "failed" ? "critical" : "info"}>
                        {t(`import.status.${run.status}`)}
                      </Badge>
                    </InlineStack>
                    <ProgressBar
                      progress={run.validRows ? (run.processedRows / run.validRows) * 100 : 100}
                      size="small"
                    />
                    <Text as="p" tone="subdued">
                      {t("import.counts", {
                        imported: run.importedRows,
                        skipped: run.skippedRows,
                        errors: run.rowErrorCount,
                        processed: run.processedRows,
                        total: run.validRows,
                      })}
                    </Text>
                    {run.failure ? (
                      <Banner tone="critical">{t(`memberImportBulk.failure.${run.failure}`)}</Banner>
                    ) : null}
                    <RowIssues issues={run.rowErrors} count={run.rowErrorCount} />
                  </BlockStack>
                ))}
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("import.exportTitle")} description={t("import.exportDescription")}>
          <Card>
            <InlineStack gap="300">
              <DownloadButton
                url="/app/export/members"
                fileName="tally-members.csv"
                label={t("import.exportMembers")}
              />
              <DownloadButton url="/app/export/ledger" fileName="tally-ledger.csv" label={t("import.exportLedger")} />
            </InlineStack>
          </Card>
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}

function PreviewSummary({
  preview,
  formatLabels,
  onConfirm,
  confirming,
}: {
  preview: ImportPreview;
  formatLabels: Record<ImportFormat, string>;
  onConfirm: () => void;
  confirming: boolean;
}) {
  const { t } = useTranslation();
  return (
    <BlockStack gap="300">
      <Banner
        tone={preview.rowErrorCount ? "warning" : "success"}
        title={t("import.previewTitle", { format: formatLabels[preview.format] })}
      >
        <p>
          {t("import.previewBody", {
            rows: preview.validRows,
            points: preview.totalPoints,
            errors: preview.rowErrorCount,
          })}
        </p>
        {preview.unknownTiers.length ? (
          <p>{t("import.unknownTiers", { tiers: preview.unknownTiers.join(", ") })}</p>
        ) : null}
      </Banner>
      <RowIssues issues={preview.rowErrors} count={preview.rowErrorCount} />
      <InlineStack align="end">
        <Button variant="primary" onClick={onConfirm} loading={confirming} disabled={!preview.validRows}>
          {t("import.confirm", { count: preview.validRows })}
        </Button>
      </InlineStack>
    </BlockStack>
  );
}

function RowIssues({ issues, count }: { issues: ImportRowIssue[]; count: number }) {
  const { t } = useTranslation();
  if (!issues.length) return null;
  return (
    <BlockStack gap="100">
      <List>
        {issues.map((issue) => (
          <List.Item key={`${issue.line}:${issue.message}`}>
            {t(issue.skipped ? "import.rowNote" : "import.rowError", { line: issue.line, message: issue.message })}
          </List.Item>
        ))}
      </List>
      {count > issues.length ? (
        <Text as="p" tone="subdued">
          {t("import.moreIssues", { count: count - issues.length })}
        </Text>
      ) : null}
    </BlockStack>
  );
}
