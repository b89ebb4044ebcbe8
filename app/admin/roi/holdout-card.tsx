import { Banner, BlockStack, Button, Card, Checkbox, InlineStack, Text } from "@shopify/polaris";
import { NumberField } from "~/admin/common/fields";
import { useProgramEditor } from "~/admin/common/program-editor";
import { useTranslation } from "~/i18n";
import type { Holdout, Program } from "~/loyalty/program/program";
import type { HoldoutStatus } from "~/loyalty/reports/incrementality";

/**
 * The holdout's setting on the ROI page (issue 25, docs/roi.md): on or off, the share and the
 * days, the trade-off said plainly, and how many customers it holds. Saved as the program is, so
 * the program's schema validates it and the server sets when it started.
 */
export function HoldoutCard({
  program,
  revision,
  status,
}: {
  program: Program;
  revision: number;
  status: HoldoutStatus;
}) {
  const { t, i18n } = useTranslation();
  const editor = useProgramEditor({ program, revision });
  const holdout = editor.draft.holdout;
  const set = (change: (draft: Holdout) => void) => editor.update((draft) => change(draft.holdout));
  const running = editor.savedProgram.holdout;
  const date = (iso: string) =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso));
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("holdout.card.title")}
        </Text>
        <Text as="p">{t("holdout.card.tradeOff", { percent: holdout.percent, days: holdout.days })}</Text>
        <Checkbox
          label={t("holdout.card.enabled")}
          checked={holdout.enabled}
          onChange={(enabled) => set((draft) => (draft.enabled = enabled))}
        />
        <InlineStack gap="300">
          <NumberField
            label={t("holdout.card.percent")}
            value={holdout.percent}
            min={1}
            max={50}
            error={editor.errorFor("holdout.percent")}
            onChange={(percent) => set((draft) => (draft.percent = percent ?? 0))}
          />
          <NumberField
            label={t("holdout.card.days")}
            value={holdout.days}
            min={7}
            max={365}
            error={editor.errorFor("holdout.days")}
            onChange={(days) => set((draft) => (draft.days = days ?? 0))}
          />
        </InlineStack>
        <Text as="p" tone="subdued">
          {running.enabled && running.startedAt
            ? t("holdout.card.running", { date: date(running.startedAt) })
            : running.startedAt
              ? t("holdout.card.stopped", { date: date(running.startedAt) })
              : t("holdout.card.off")}
        </Text>
        {running.startedAt ? (
          <Text as="p" tone="subdued">
            {t("holdout.card.heldOut", { count: status.heldOut, stillHeld: status.stillHeld })}{" "}
            {status.firstHoldEnds ? t("holdout.card.firstHoldEnds", { date: date(status.firstHoldEnds) }) : null}
          </Text>
        ) : null}
        {editor.conflict ? (
          <Banner tone="critical" title={t("common.conflictTitle")}>
            <p>{t("common.conflictBody")}</p>
          </Banner>
        ) : null}
        <InlineStack>
          <Button variant="primary" disabled={!editor.dirty} loading={editor.saving} onClick={editor.save}>
            {t("holdout.card.save")}
          </Button>
        </InlineStack>
        {editor.savedToast}
      </BlockStack>
    </Card>
  );
}
