import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
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
import { z } from "zod";
import { adminContext } from "~/admin/common/admin-context.server";
import prisma from "~/db.server";
import { useTranslation } from "~/i18n";
import {
  IMPORT_FORMAT_LABELS,
  MAX_IMPORT_BYTES,
  type ImportFormat,
  type ImportRowIssue,
} from "~/loyalty/members/import";
import { confirmImport, listImports, previewImport, type ImportPreview } from "~/loyalty/members/import.server";
import { requireMethod } from "~/http/methods.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  // The limits and labels come from the loader: the parser itself stays on the server.
  return {
    imports: await listImports(prisma, shop.id, 10),
    formatLabels: IMPORT_FORMAT_LABELS,
    maxBytes: MAX_IMPORT_BYTES,
  };
}

const importIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("preview"), csv: z.string().min(1), fileName: z.string().max(255).nullable() }),
  z.object({ intent: z.literal("confirm"), importId: z.string().min(1) }),
]);

export type ImportActionResult = { ok: true; preview?: ImportPreview } | { ok: false; error: string };

/** Upload → a dry-run preview (nothing written but the preview); confirm → the import job takes it. */
export async function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "GET", "POST");
  const { shop, staffId } = await adminContext(request);
  if (Number(request.headers.get("content-length") ?? 0) > MAX_IMPORT_BYTES * 1.1) {
    return Response.json(
      { ok: false, error: "The file is larger than 20 MB. Split it into smaller files." } satisfies ImportActionResult,
      { status: 413 },
    );
  }
  const parsed = importIntent.safeParse(await request.json().catch(() => null));
  if (!parsed.success)
    return Response.json({ ok: false, error: "invalid request" } satisfies ImportActionResult, { status: 400 });
  if (parsed.data.intent === "preview") {
    const result = await previewImport(prisma, shop, { csv: parsed.data.csv, fileName: parsed.data.fileName, staffId });
    if (!result.ok)
      return Response.json({ ok: false, error: result.error } satisfies ImportActionResult, { status: 400 });
    return Response.json({ ok: true, preview: result.preview } satisfies ImportActionResult);
  }
  const confirmed = await confirmImport(prisma, shop.id, parsed.data.importId);
  if (!confirmed) return Response.json({ ok: false, error: "not found" } satisfies ImportActionResult, { status: 404 });
  return Response.json({ ok: true } satisfies ImportActionResult);
}

export default function ImportExport() {
  const { imports, formatLabels, maxBytes } = useLoaderData<typeof loader>();
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

/** Exports need the session token, which a plain link cannot carry: fetch, then save the file. */
function DownloadButton({ url, fileName, label }: { url: string; fileName: string; label: string }) {
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(String(response.status));
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = fileName;
      link.click();
      URL.revokeObjectURL(link.href);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button onClick={download} loading={busy}>
      {label}
    </Button>
  );
}
