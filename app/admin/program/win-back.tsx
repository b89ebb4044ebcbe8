import { Card, Checkbox, FormLayout, Text } from "@shopify/polaris";
import { NumberField } from "~/admin/common/fields";
import type { ProgramEditor } from "~/admin/common/program-editor";
import { useTranslation } from "~/i18n";

/** Win-back offers: members who stopped ordering earn more for a while (app/loyalty/offers). */
export function WinBackSettings({ editor }: { editor: ProgramEditor }) {
  const { t } = useTranslation();
  const { draft, update, errorFor } = editor;
  const winBack = draft.offers.winBack;
  return (
    <Card>
      <FormLayout>
        <Checkbox
          label={t("program.winBack.enabled")}
          checked={winBack.enabled}
          onChange={(checked) => update((p) => void (p.offers.winBack.enabled = checked))}
        />
        <FormLayout.Group condensed>
          <NumberField
            label={t("program.winBack.inactiveDays")}
            value={winBack.inactiveDays}
            disabled={!winBack.enabled}
            error={errorFor("offers.winBack.inactiveDays")}
            onChange={(value) => update((p) => void (p.offers.winBack.inactiveDays = value ?? 0))}
          />
          <NumberField
            label={t("program.winBack.multiplier")}
            value={winBack.multiplier}
            disabled={!winBack.enabled}
            error={errorFor("offers.winBack.multiplier")}
            onChange={(value) => update((p) => void (p.offers.winBack.multiplier = value ?? 0))}
          />
          <NumberField
            label={t("program.winBack.durationDays")}
            value={winBack.durationDays}
            disabled={!winBack.enabled}
            error={errorFor("offers.winBack.durationDays")}
            onChange={(value) => update((p) => void (p.offers.winBack.durationDays = value ?? 0))}
          />
        </FormLayout.Group>
        <Text as="p" tone="subdued">
          {t("program.winBack.example", {
            days: winBack.inactiveDays,
            multiplier: winBack.multiplier,
            duration: winBack.durationDays,
          })}
        </Text>
      </FormLayout>
    </Card>
  );
}
