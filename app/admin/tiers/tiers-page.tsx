import {
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Layout,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { NumberField } from "~/admin/common/fields";
import { NameTranslations, setTranslatedName } from "~/admin/common/name-translations";
import { ProgramPage, useProgramEditor } from "~/admin/common/program-editor";
import { idFromName } from "~/admin/common/ids";
import { useTranslation } from "~/i18n";
import type { Program, Tiers } from "~/loyalty/program/program";
import type { TierPerkView } from "~/loyalty/tiers/perks.server";
import { TierPerksFields } from "./tier-perks";

/** The VIP tiers: what qualifies, the levels with their thresholds, multipliers and perks. */
export function TiersPage({
  perkStatuses,
  ...loaded
}: {
  program: Program;
  revision: number;
  /** Tier id → its saved perks with their status in Shopify. */
  perkStatuses: Record<string, TierPerkView[]>;
}) {
  const editor = useProgramEditor(loaded);
  const { t } = useTranslation();
  const tiers = editor.draft.tiers;
  const set = (change: (tiers: Tiers) => void) => editor.update((p) => change(p.tiers));
  const addLevel = () =>
    set((draft) => {
      const last = draft.levels[draft.levels.length - 1];
      const name = t("tiers.newName", { n: draft.levels.length + 1 });
      draft.levels.push({
        // A placeholder until saved: then the id comes from the name typed (withIdsFromNames).
        id: idFromName(
          name,
          draft.levels.map((level) => level.id),
          "tier",
        ),
        name,
        threshold: last ? last.threshold * 2 || 100 : 100,
        earnMultiplier: 1,
        entryBonusPoints: 0,
      });
    });
  return (
    <ProgramPage title={t("tiers.title")} editor={editor}>
      <Layout>
        <Layout.AnnotatedSection title={t("tiers.rules.title")} description={t("tiers.rules.description")}>
          <Card>
            <FormLayout>
              <FormLayout.Group>
                <Select
                  label={t("tiers.rules.metric")}
                  options={(["points_earned", "amount_spent", "orders_placed"] as const).map((value) => ({
                    value,
                    label: t(`tiers.metrics.${value}`),
                  }))}
                  value={tiers.metric}
                  onChange={(value) => set((draft) => void (draft.metric = value as Tiers["metric"]))}
                />
                <Select
                  label={t("tiers.rules.period")}
                  options={(["lifetime", "calendar_year", "rolling_12_months"] as const).map((value) => ({
                    value,
                    label: t(`tiers.periods.${value}`),
                  }))}
                  value={tiers.period}
                  onChange={(value) => set((draft) => void (draft.period = value as Tiers["period"]))}
                />
              </FormLayout.Group>
              <Select
                label={t("tiers.rules.retention")}
                options={(["through_next_period", "none"] as const).map((value) => ({
                  value,
                  label: t(`tiers.retentions.${value}`),
                }))}
                value={tiers.retention}
                onChange={(value) => set((draft) => void (draft.retention = value as Tiers["retention"]))}
              />
              <Checkbox
                label={t("tiers.rules.refundsDemote")}
                helpText={t("tiers.rules.refundsDemoteHelp")}
                checked={tiers.refundsDemote}
                onChange={(checked) => set((draft) => void (draft.refundsDemote = checked))}
              />
              <TextField
                label={t("tiers.rules.tagPrefix")}
                helpText={t("tiers.rules.tagPrefixHelp", { example: `${tiers.tagPrefix}Gold` })}
                autoComplete="off"
                value={tiers.tagPrefix}
                onChange={(value) => set((draft) => void (draft.tagPrefix = value))}
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title={t("tiers.levels.title")} description={t("tiers.levels.description")}>
          <BlockStack gap="400">
            {tiers.levels.map((level, index) => (
              <Card key={level.id}>
                <FormLayout>
                  <FormLayout.Group>
                    <TextField
                      label={t("tiers.levels.name")}
                      autoComplete="off"
                      value={level.name}
                      error={editor.errorFor(`tiers.levels.${index}.name`)}
                      onChange={(value) => set((draft) => void (draft.levels[index]!.name = value))}
                    />
                    <NumberField
                      label={t(`tiers.thresholds.${tiers.metric}`)}
                      value={level.threshold}
                      error={editor.errorFor(`tiers.levels.${index}.threshold`)}
                      onChange={(value) => set((draft) => void (draft.levels[index]!.threshold = value ?? 0))}
                    />
                  </FormLayout.Group>
                  <FormLayout.Group>
                    <NumberField
                      label={t("tiers.levels.multiplier")}
                      value={level.earnMultiplier}
                      error={editor.errorFor(`tiers.levels.${index}.earnMultiplier`)}
                      onChange={(value) => set((draft) => void (draft.levels[index]!.earnMultiplier = value ?? 1))}
                    />
                    <NumberField
                      label={t("tiers.levels.entryBonus")}
                      value={level.entryBonusPoints}
                      error={editor.errorFor(`tiers.levels.${index}.entryBonusPoints`)}
                      onChange={(value) => set((draft) => void (draft.levels[index]!.entryBonusPoints = value ?? 0))}
                    />
                  </FormLayout.Group>
                  <TierPerksFields
                    level={level}
                    statuses={Object.fromEntries(
                      (perkStatuses[level.id] ?? []).map((perk) => [perk.kind, perk.shopify]),
                    )}
                    errorFor={(path) => editor.errorFor(`tiers.levels.${index}.perks.${path}`)}
                    onChange={(change) =>
                      set((draft) => {
                        const draftLevel = draft.levels[index]!;
                        draftLevel.perks ??= { percentageOff: null, freeShipping: null };
                        change(draftLevel.perks);
                      })
                    }
                  />
                  <NameTranslations
                    translations={level.translations}
                    defaultName={level.name}
                    errorFor={(language) => editor.errorFor(`tiers.levels.${index}.translations.${language}.name`)}
                    onChange={(language, name) =>
                      set((draft) => setTranslatedName(draft.levels[index]!, language, name))
                    }
                  />
                  <InlineStack align="end">
                    <Button
                      variant="plain"
                      tone="critical"
                      onClick={() => set((draft) => void draft.levels.splice(index, 1))}
                    >
                      {t("common.remove")}
                    </Button>
                  </InlineStack>
                </FormLayout>
              </Card>
            ))}
            {tiers.levels.length === 0 ? (
              <Text as="p" tone="subdued">
                {t("tiers.levels.none")}
              </Text>
            ) : null}
            <InlineStack>
              <Button onClick={addLevel}>{t("tiers.levels.add")}</Button>
            </InlineStack>
          </BlockStack>
        </Layout.AnnotatedSection>
      </Layout>
    </ProgramPage>
  );
}
