import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, FormLayout, Modal, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { NumberField } from "~/admin/common/fields";
import { useSaveConfirmation } from "~/admin/common/save-confirmation";
import { useTranslation } from "~/i18n";

/** The member route's answer to an adjustment: the API's refusals, or the new balance. */
export type AdjustmentOutcome =
  | { ok: true; balance: number }
  | { ok?: undefined; error: "insufficient_points" | "not_a_customer" | "idempotency_key_reused" }
  | { ok?: undefined; error: "invalid_adjustment"; issues: { path: string; message: string }[] };

/** Adjustments this large are confirmed first: a typo of one zero is real money. */
const CONFIRM_ABOVE = 1000;

/** Points in or out with a reason; a large change is confirmed first. */
export function AdjustmentForm({ canAdjust }: { canAdjust: boolean }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<AdjustmentOutcome>();
  const [points, setPoints] = useState<number | null>(null);
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);
  // One key per adjustment: a double click or a retried request applies it once.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const outcome = fetcher.state === "idle" ? fetcher.data : undefined;
  const { confirm, toast } = useSaveConfirmation();
  useEffect(() => {
    if (!outcome?.ok) return;
    setPoints(null);
    setReason("");
    setIdempotencyKey(crypto.randomUUID());
    confirm(t("member.adjust.done", { balance: outcome.balance }));
  }, [outcome, confirm, t]);
  const submit = () => {
    setConfirming(false);
    fetcher.submit({ points: String(points ?? ""), reason, idempotencyKey }, { method: "post" });
  };
  const onSubmit = () => (points !== null && Math.abs(points) >= CONFIRM_ABOVE ? setConfirming(true) : submit());
  const wrong = new Set(outcome && "issues" in outcome ? outcome.issues.map((issue) => issue.path) : []);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("member.adjust.title")}
        </Text>
        {!canAdjust ? <Banner tone="info">{t("member.adjust.notCustomer")}</Banner> : null}
        {outcome && !outcome.ok && outcome.error === "insufficient_points" ? (
          <Banner tone="critical">{t("member.adjust.insufficient")}</Banner>
        ) : null}
        {toast}
        <FormLayout>
          <NumberField
            label={t("member.adjust.points")}
            helpText={t("member.adjust.pointsHelp")}
            value={points}
            error={wrong.has("points") ? t("member.adjust.pointsError") : undefined}
            onChange={setPoints}
            disabled={!canAdjust}
          />
          <TextField
            label={t("member.adjust.reason")}
            autoComplete="off"
            value={reason}
            error={wrong.has("reason") ? t("member.adjust.reasonError") : undefined}
            onChange={setReason}
            disabled={!canAdjust}
          />
          <Button variant="primary" disabled={!canAdjust} loading={fetcher.state !== "idle"} onClick={onSubmit}>
            {t("member.adjust.submit")}
          </Button>
        </FormLayout>
      </BlockStack>
      <Modal
        open={confirming}
        onClose={() => setConfirming(false)}
        title={t("member.adjust.confirmTitle", { points: points ?? 0 })}
        primaryAction={{ content: t("member.adjust.confirm"), onAction: submit }}
        secondaryActions={[{ content: t("common.cancel"), onAction: () => setConfirming(false) }]}
      >
        <Modal.Section>
          <Text as="p">{t("member.adjust.confirmBody", { points: points ?? 0 })}</Text>
        </Modal.Section>
      </Modal>
    </Card>
  );
}
