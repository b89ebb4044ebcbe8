import { useFetcher } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  DataTable,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { formatMoney } from "~/admin/common/format";
import { useTranslation } from "~/i18n";
import type { PartnerEarnMode } from "~/loyalty/partners/partners";
import type { PartnerSummary, ShownKey } from "~/loyalty/partners/partners.server";
import type { PartnerReport } from "~/loyalty/reports/partners.server";
import { minorUnitDigits } from "~/money/currency";
import { toUnits } from "~/money/money";

/** What the partners route answers its forms with; a key is in it once and nowhere else. */
export type PartnerOutcome =
  | { ok: true; done: "created" | "updated" | "rotated" | "revoked"; shownKey: ShownKey | null }
  | { ok: false; error: "invalid"; fields: string[] }
  | { ok: false; error: "not_found" };

interface PartnersPageProps {
  partners: PartnerSummary[];
  report: PartnerReport;
  currencyCode: string | null;
  endpoint: string;
}

/** Partners that award the shop's points, their keys, and what they owe for the points. */
export function PartnersPage({ partners, report, currencyCode, endpoint }: PartnersPageProps) {
  const { t } = useTranslation();
  const fetcher = useFetcher<PartnerOutcome>();
  const [hidden, setHidden] = useState<PartnerOutcome | undefined>();
  const outcome = fetcher.state === "idle" && fetcher.data !== hidden ? fetcher.data : undefined;
  const busy = fetcher.state !== "idle";
  return (
    <Page title={t("partners.title")} subtitle={t("partners.subtitle")}>
      <Layout>
        {outcome ? (
          <Layout.Section>
            <Outcome outcome={outcome} onDismiss={() => setHidden(outcome)} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("partners.list.title")}
              </Text>
              <Text as="p" tone="subdued">
                {t("partners.list.endpoint", { endpoint })}
              </Text>
              {partners.length === 0 ? <Text as="p">{t("partners.list.empty")}</Text> : null}
              {partners.map((partner) => (
                <PartnerRow
                  key={partner.id}
                  partner={partner}
                  busy={busy}
                  onAction={(intent) => fetcher.submit({ intent, partnerId: partner.id }, { method: "post" })}
                  onSave={(form) =>
                    fetcher.submit({ ...form, intent: "update", partnerId: partner.id }, { method: "post" })
                  }
                />
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("partners.add.title")}
              </Text>
              <PartnerForm
                submitLabel={t("partners.add.submit")}
                submit={(form) => fetcher.submit({ ...form, intent: "create" }, { method: "post" })}
                busy={busy}
                clearAfterSubmit
              />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <PartnerReportCard report={report} currencyCode={currencyCode} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Outcome({ outcome, onDismiss }: { outcome: PartnerOutcome; onDismiss: () => void }) {
  const { t } = useTranslation();
  if (!outcome.ok) {
    return (
      <Banner tone="critical" onDismiss={onDismiss}>
        <p>
          {outcome.error === "invalid"
            ? t("partners.errors.invalid", { fields: outcome.fields.filter(Boolean).join(", ") || "—" })
            : t("partners.errors.not_found")}
        </p>
      </Banner>
    );
  }
  if (!outcome.shownKey) {
    return (
      <Banner tone="success" onDismiss={onDismiss}>
        <p>{t(`partners.done.${outcome.done}`)}</p>
      </Banner>
    );
  }
  return (
    <Banner tone="warning" title={t(`partners.key.title.${outcome.done}`, { partner: outcome.shownKey.partnerName })}>
      <BlockStack gap="200">
        <p>{t("partners.key.once")}</p>
        <TextField
          label={t("partners.key.label")}
          value={outcome.shownKey.key}
          readOnly
          autoComplete="off"
          monospaced
          selectTextOnFocus
        />
        <InlineStack>
          <Button onClick={onDismiss}>{t("partners.key.copied")}</Button>
        </InlineStack>
      </BlockStack>
    </Banner>
  );
}

function PartnerRow({
  partner,
  busy,
  onAction,
  onSave,
}: {
  partner: PartnerSummary;
  busy: boolean;
  onAction: (intent: "rotate" | "revoke") => void;
  onSave: (form: Record<string, string>) => void;
}) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const revoked = partner.revokedAt !== null;
  const rule =
    partner.earnMode === "per_amount"
      ? t("partners.rule.per_amount", { points: partner.pointsPerUnit })
      : t("partners.rule.per_event", { points: partner.pointsPerEvent });
  const details = [
    rule,
    partner.dailyCap === null ? t("partners.rule.noCap") : t("partners.rule.cap", { points: partner.dailyCap }),
    partner.pendingDays === 0 ? t("partners.rule.atOnce") : t("partners.rule.pending", { count: partner.pendingDays }),
    partner.enrolNewCustomers ? t("partners.rule.enrols") : null,
  ].filter(Boolean);
  return (
    <Box borderColor="border" borderWidth="025" borderRadius="200" padding="300">
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h3" variant="headingSm">
              {partner.name}
            </Text>
            <Badge tone={revoked ? "critical" : "success"}>
              {revoked ? t("partners.status.revoked") : t("partners.status.active")}
            </Badge>
          </InlineStack>
          {revoked ? null : (
            <InlineStack gap="200">
              <Button
                onClick={() => setEditing(!editing)}
                pressed={editing}
                accessibilityLabel={t("partners.actions.editLabel", { partner: partner.name })}
              >
                {t("partners.actions.edit")}
              </Button>
              <Button
                onClick={() => onAction("rotate")}
                disabled={busy}
                accessibilityLabel={t("partners.actions.rotateLabel", { partner: partner.name })}
              >
                {t("partners.actions.rotate")}
              </Button>
              <Button
                tone="critical"
                onClick={() => setConfirming(true)}
                disabled={busy || confirming}
                accessibilityLabel={t("partners.actions.revokeLabel", { partner: partner.name })}
              >
                {t("partners.actions.revoke")}
              </Button>
            </InlineStack>
          )}
        </InlineStack>
        {confirming && !revoked ? (
          <Banner tone="critical">
            <BlockStack gap="200">
              <p>{t("partners.actions.revokeConfirm", { partner: partner.name })}</p>
              <InlineStack gap="200">
                <Button onClick={() => setConfirming(false)}>{t("partners.actions.cancel")}</Button>
                <Button
                  variant="primary"
                  tone="critical"
                  disabled={busy}
                  onClick={() => {
                    setConfirming(false);
                    onAction("revoke");
                  }}
                >
                  {t("partners.actions.revokeForGood")}
                </Button>
              </InlineStack>
            </BlockStack>
          </Banner>
        ) : null}
        <Text as="p">{details.join(" · ")}</Text>
        {editing && !revoked ? (
          <PartnerForm
            initial={partner}
            submitLabel={t("partners.actions.save")}
            busy={busy}
            submit={(form) => {
              setEditing(false);
              onSave(form);
            }}
          />
        ) : null}
        <Text as="p" tone="subdued">
          {t("partners.key.hint", { hint: partner.keyHint })}
        </Text>
      </BlockStack>
    </Box>
  );
}

/** A partner's settings: empty to add one, or a partner's to change them. */
function PartnerForm({
  initial,
  submitLabel,
  submit,
  busy,
  clearAfterSubmit = false,
}: {
  initial?: PartnerSummary;
  submitLabel: string;
  submit: (form: Record<string, string>) => void;
  busy: boolean;
  clearAfterSubmit?: boolean;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(initial?.name ?? "");
  const [earnMode, setEarnMode] = useState<PartnerEarnMode>(initial?.earnMode ?? "per_amount");
  const [rate, setRate] = useState(
    String(initial ? (initial.earnMode === "per_amount" ? initial.pointsPerUnit : initial.pointsPerEvent) : 1),
  );
  const [dailyCap, setDailyCap] = useState(initial?.dailyCap ? String(initial.dailyCap) : "");
  const [pendingDays, setPendingDays] = useState(String(initial?.pendingDays ?? 0));
  const [enrol, setEnrol] = useState(initial?.enrolNewCustomers ?? false);
  const add = () => {
    submit({
      name,
      earnMode,
      [earnMode === "per_amount" ? "pointsPerUnit" : "pointsPerEvent"]: rate,
      dailyCap,
      pendingDays,
      enrolNewCustomers: String(enrol),
    });
    if (clearAfterSubmit) setName("");
  };
  return (
    <FormLayout>
      <TextField label={t("partners.add.name")} value={name} onChange={setName} autoComplete="off" />
      <FormLayout.Group>
        <Select
          label={t("partners.add.earnMode")}
          options={[
            { label: t("partners.add.per_amount"), value: "per_amount" },
            { label: t("partners.add.per_event"), value: "per_event" },
          ]}
          value={earnMode}
          onChange={(value) => setEarnMode(value as PartnerEarnMode)}
        />
        <TextField
          label={earnMode === "per_amount" ? t("partners.add.pointsPerUnit") : t("partners.add.pointsPerEvent")}
          type="number"
          min={1}
          value={rate}
          onChange={setRate}
          autoComplete="off"
        />
      </FormLayout.Group>
      <FormLayout.Group>
        <TextField
          label={t("partners.add.dailyCap")}
          helpText={t("partners.add.dailyCapHelp")}
          type="number"
          min={0}
          value={dailyCap}
          onChange={setDailyCap}
          autoComplete="off"
        />
        <TextField
          label={t("partners.add.pendingDays")}
          helpText={t("partners.add.pendingDaysHelp")}
          type="number"
          min={0}
          value={pendingDays}
          onChange={setPendingDays}
          autoComplete="off"
        />
      </FormLayout.Group>
      <Checkbox
        label={t("partners.add.enrol")}
        helpText={t("partners.add.enrolHelp")}
        checked={enrol}
        onChange={setEnrol}
      />
      <InlineStack>
        <Button variant="primary" onClick={add} disabled={busy || !name.trim()}>
          {submitLabel}
        </Button>
      </InlineStack>
    </FormLayout>
  );
}

function PartnerReportCard({ report, currencyCode }: { report: PartnerReport; currencyCode: string | null }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language);
  const monthFormat = new Intl.DateTimeFormat(i18n.language, { month: "long", year: "numeric", timeZone: "UTC" });
  const digits = minorUnitDigits(currencyCode);
  const cost = (minor: number | null) =>
    minor === null ? "—" : formatMoney(i18n.language, toUnits(minor, digits), currencyCode);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("partners.report.title")}
        </Text>
        <Text as="p" tone="subdued">
          {report.basis
            ? t("partners.report.basis", {
                points: number.format(report.basis.points),
                amount: cost(report.basis.amountMinorUnits),
                reward: report.basis.rewardName,
              })
            : t("partners.report.noBasis")}
        </Text>
        {report.months.length === 0 ? (
          <Text as="p">{t("partners.report.empty")}</Text>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "numeric", "numeric", "numeric"]}
            headings={[
              t("partners.report.month"),
              t("partners.report.partner"),
              t("partners.report.points"),
              t("partners.report.members"),
              t("partners.report.cost"),
            ]}
            rows={report.months.map((row) => [
              monthFormat.format(new Date(`${row.month}-01T00:00:00Z`)),
              row.partnerName,
              number.format(row.points),
              number.format(row.membersReached),
              cost(row.costMinorUnits),
            ])}
          />
        )}
      </BlockStack>
    </Card>
  );
}
