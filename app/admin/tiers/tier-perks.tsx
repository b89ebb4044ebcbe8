import { Badge, BlockStack, Checkbox, FormLayout, InlineStack, Text, TextField } from "@shopify/polaris";
import { NumberField } from "~/admin/common/fields";
import { useTranslation } from "~/i18n";
import type { TierLevel, TierPerks } from "~/loyalty/program/program";
import type { PerkKind, PerkStatus } from "~/loyalty/tiers/perks";

const NO_COMBINATIONS = { orderDiscounts: false, productDiscounts: false, shippingDiscounts: false };
const COMBINATIONS = ["orderDiscounts", "productDiscounts", "shippingDiscounts"] as const;

/** Where Shopify stands on one perk, as the last sync left it. */
export function PerkStatusBadge({ status }: { status: PerkStatus }) {
  const { t } = useTranslation();
  const tone = { active: "success", pending: "attention", failed: "critical", missing: "warning" } as const;
  return (
    <Badge tone={tone[status.status]}>
      {status.status === "failed"
        ? t("tiers.perks.status.failed", { reason: status.reason })
        : t(`tiers.perks.status.${status.status}`)}
    </Badge>
  );
}

/**
 * A tier's perks at checkout: a percentage off (all or some collections) and free shipping (from a
 * subtotal), each with what it combines with and its status in Shopify.
 */
export function TierPerksFields({
  level,
  statuses,
  errorFor,
  onChange,
  help,
}: {
  level: Pick<TierLevel, "perks">;
  /** What the perks are for on another page (the paid membership's); the tiers' text otherwise. */
  help?: string;
  statuses: Partial<Record<PerkKind, PerkStatus>>;
  errorFor: (path: string) => string | undefined;
  onChange: (change: (perks: TierPerks) => void) => void;
}) {
  const { t } = useTranslation();
  const perks: TierPerks = level.perks ?? { percentageOff: null, freeShipping: null };
  const combinations = (kind: PerkKind, value: Record<(typeof COMBINATIONS)[number], boolean>) => (
    <InlineStack gap="400" blockAlign="center">
      <Text as="span" tone="subdued">
        {t("tiers.perks.combinesWith")}
      </Text>
      {COMBINATIONS.map((combination) => (
        <Checkbox
          key={combination}
          label={t(`rewards.combinations.labels.${combination}`)}
          checked={value[combination]}
          onChange={(checked) =>
            onChange((draft) => {
              const perk = kind === "percentage_off" ? draft.percentageOff : draft.freeShipping;
              if (perk) perk.combinesWith[combination] = checked;
            })
          }
        />
      ))}
    </InlineStack>
  );
  const status = (kind: PerkKind) => {
    const known = statuses[kind];
    return known ? <PerkStatusBadge status={known} /> : null;
  };
  return (
    <BlockStack gap="300">
      <Text as="h3" variant="headingSm">
        {t("tiers.perks.title")}
      </Text>
      <Text as="p" tone="subdued">
        {help ?? t("tiers.perks.help")}
      </Text>
      <InlineStack gap="200" blockAlign="center">
        <Checkbox
          label={t("tiers.perks.percentageOff")}
          checked={perks.percentageOff !== null}
          onChange={(checked) =>
            onChange(
              (draft) =>
                void (draft.percentageOff = checked
                  ? { percentage: 10, collectionIds: [], combinesWith: { ...NO_COMBINATIONS } }
                  : null),
            )
          }
        />
        {perks.percentageOff ? status("percentage_off") : null}
      </InlineStack>
      {perks.percentageOff ? (
        <FormLayout>
          <FormLayout.Group>
            <NumberField
              label={t("tiers.perks.percentage")}
              suffix="%"
              value={perks.percentageOff.percentage}
              error={errorFor("percentageOff.percentage")}
              onChange={(value) => onChange((draft) => void (draft.percentageOff!.percentage = value ?? 0))}
            />
            <TextField
              label={t("tiers.perks.collections")}
              helpText={t("tiers.perks.collectionsHelp")}
              autoComplete="off"
              value={perks.percentageOff.collectionIds.join(", ")}
              error={errorFor("percentageOff.collectionIds")}
              onChange={(value) =>
                onChange(
                  (draft) =>
                    void (draft.percentageOff!.collectionIds = value
                      .split(/[\s,]+/)
                      .filter(Boolean)
                      .map((id) => id.replace(/^gid:\/\/shopify\/Collection\//, ""))),
                )
              }
            />
          </FormLayout.Group>
          {combinations("percentage_off", perks.percentageOff.combinesWith)}
        </FormLayout>
      ) : null}
      <InlineStack gap="200" blockAlign="center">
        <Checkbox
          label={t("tiers.perks.freeShipping")}
          checked={perks.freeShipping !== null}
          onChange={(checked) =>
            onChange(
              (draft) =>
                void (draft.freeShipping = checked
                  ? { minimumSubtotal: null, combinesWith: { ...NO_COMBINATIONS } }
                  : null),
            )
          }
        />
        {perks.freeShipping ? status("free_shipping") : null}
      </InlineStack>
      {perks.freeShipping ? (
        <FormLayout>
          <NumberField
            label={t("tiers.perks.minimumSubtotal")}
            helpText={t("tiers.perks.minimumSubtotalHelp")}
            value={perks.freeShipping.minimumSubtotal}
            error={errorFor("freeShipping.minimumSubtotal")}
            onChange={(value) => onChange((draft) => void (draft.freeShipping!.minimumSubtotal = value))}
          />
          {combinations("free_shipping", perks.freeShipping.combinesWith)}
        </FormLayout>
      ) : null}
    </BlockStack>
  );
}
