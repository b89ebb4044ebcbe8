import {
  Badge,
  Banner,
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
import { useState } from "react";
import { NumberField } from "~/admin/common/fields";
import { idFromName } from "~/admin/common/ids";
import { NameTranslations, setTranslatedName } from "~/admin/common/name-translations";
import { ProgramPage, useProgramEditor } from "~/admin/common/program-editor";
import { TierPerksFields } from "~/admin/tiers/tier-perks";
import { useTranslation } from "~/i18n";
import type { OfferHealth } from "~/loyalty/membership/offer.server";
import type { Membership, MembershipPlan, Program } from "~/loyalty/program/program";
import type { MembershipFigures } from "~/loyalty/reports/membership";
import { MembershipFiguresSection } from "./membership-figures";

/** The paid membership: the offer and its plans (with their Shopify variants), its perks, and its figures. */
export function MembershipPage({
  health,
  figures,
  currencyCode,
  ...loaded
}: {
  program: Program;
  revision: number;
  health: OfferHealth;
  figures: MembershipFigures;
  currencyCode: string | null;
}) {
  const editor = useProgramEditor(loaded);
  const { t } = useTranslation();
  const [taxable, setTaxable] = useState(true);
  const membership = editor.draft.membership;
  const set = (change: (membership: Membership) => void) => editor.update((p) => change(p.membership));
  const setPlan = (index: number, change: (plan: MembershipPlan) => void) =>
    set((draft) => change(draft.plans[index]!));
  // The health is of the saved plans: a variant typed since is checked when saved.
  const brokenPlans = new Set(health.status === "broken" ? health.planIds : []);
  const savedVariant = new Map(editor.savedProgram.membership.plans.map((plan) => [plan.id, plan.variantId]));
  const addPlan = () =>
    set((draft) => {
      const name = t("membership.plans.newName", { n: draft.plans.length + 1 });
      draft.plans.push({
        // A placeholder until saved: then the id comes from the name typed (withIdsFromNames).
        id: idFromName(
          name,
          draft.plans.map((plan) => plan.id),
          "plan",
        ),
        name,
        interval: "year",
        intervalCount: 1,
        price: 79,
        variantId: null,
        productHandle: null,
      });
    });
  const withoutVariant = membership.plans.filter((plan) => plan.variantId === null).length;
  return (
    <ProgramPage title={t("membership.title")} editor={editor}>
      <BlockStack gap="500">
        {health.status === "broken" ? (
          <Banner tone="critical" title={t("membership.health.brokenTitle")}>
            <p>
              {t("membership.health.brokenBody", {
                plans: membership.plans
                  .filter((plan) => brokenPlans.has(plan.id))
                  .map((plan) => plan.name)
                  .join(", "),
              })}
            </p>
          </Banner>
        ) : null}
        <Layout>
          <Layout.AnnotatedSection title={t("membership.offer.title")} description={t("membership.offer.description")}>
            <Card>
              <FormLayout>
                <Checkbox
                  label={t("membership.offer.enabled")}
                  helpText={t("membership.offer.enabledHelp")}
                  checked={membership.enabled}
                  onChange={(checked) => set((draft) => void (draft.enabled = checked))}
                />
                <TextField
                  label={t("membership.offer.name")}
                  autoComplete="off"
                  value={membership.name}
                  error={editor.errorFor("membership.name")}
                  onChange={(value) => set((draft) => void (draft.name = value))}
                />
                <NameTranslations
                  translations={membership.translations}
                  defaultName={membership.name}
                  errorFor={(language) => editor.errorFor(`membership.translations.${language}.name`)}
                  onChange={(language, name) => set((draft) => setTranslatedName(draft, language, name))}
                />
                <FormLayout.Group>
                  <NumberField
                    label={t("membership.offer.graceDays")}
                    helpText={t("membership.offer.graceDaysHelp")}
                    value={membership.graceDays}
                    error={editor.errorFor("membership.graceDays")}
                    onChange={(value) => set((draft) => void (draft.graceDays = value ?? 0))}
                  />
                  <NumberField
                    label={t("membership.offer.endingSoonDays")}
                    helpText={t("membership.offer.endingSoonDaysHelp")}
                    value={membership.endingSoonDays}
                    error={editor.errorFor("membership.endingSoonDays")}
                    onChange={(value) => set((draft) => void (draft.endingSoonDays = value ?? 0))}
                  />
                </FormLayout.Group>
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection title={t("membership.plans.title")} description={t("membership.plans.description")}>
            <BlockStack gap="400">
              {membership.plans.map((plan, index) => {
                const broken = brokenPlans.has(plan.id) && savedVariant.get(plan.id) === plan.variantId;
                return (
                  <Card key={index}>
                    <BlockStack gap="300">
                      <InlineStack align="space-between" blockAlign="center">
                        <Text as="h3" variant="headingSm">
                          {plan.name}
                        </Text>
                        {broken ? (
                          <Badge tone="critical">{t("membership.plans.broken")}</Badge>
                        ) : plan.variantId === null ? (
                          <Badge tone="attention">{t("membership.plans.noVariant")}</Badge>
                        ) : null}
                      </InlineStack>
                      <FormLayout>
                        <FormLayout.Group>
                          <TextField
                            label={t("membership.plans.name")}
                            autoComplete="off"
                            value={plan.name}
                            error={editor.errorFor(`membership.plans.${index}.name`)}
                            onChange={(value) => setPlan(index, (draft) => void (draft.name = value))}
                          />
                          <NumberField
                            label={t("membership.plans.price")}
                            helpText={currencyCode ?? undefined}
                            value={plan.price}
                            error={editor.errorFor(`membership.plans.${index}.price`)}
                            onChange={(value) => setPlan(index, (draft) => void (draft.price = value ?? 0))}
                          />
                        </FormLayout.Group>
                        <FormLayout.Group>
                          <NumberField
                            label={t("membership.plans.intervalCount")}
                            value={plan.intervalCount}
                            error={editor.errorFor(`membership.plans.${index}.intervalCount`)}
                            onChange={(value) => setPlan(index, (draft) => void (draft.intervalCount = value ?? 1))}
                          />
                          <Select
                            label={t("membership.plans.interval")}
                            options={(["month", "year"] as const).map((value) => ({
                              value,
                              label: t(`membership.plans.intervals.${value}`),
                            }))}
                            value={plan.interval}
                            onChange={(value) =>
                              setPlan(index, (draft) => void (draft.interval = value as MembershipPlan["interval"]))
                            }
                          />
                        </FormLayout.Group>
                        <NameTranslations
                          translations={plan.translations}
                          defaultName={plan.name}
                          errorFor={(language) =>
                            editor.errorFor(`membership.plans.${index}.translations.${language}.name`)
                          }
                          onChange={(language, name) =>
                            setPlan(index, (draft) => setTranslatedName(draft, language, name))
                          }
                        />
                        <TextField
                          label={t("membership.plans.variantId")}
                          helpText={
                            plan.productHandle
                              ? t("membership.plans.variantOf", { handle: plan.productHandle })
                              : t("membership.plans.variantIdHelp")
                          }
                          autoComplete="off"
                          value={plan.variantId ?? ""}
                          error={editor.errorFor(`membership.plans.${index}.variantId`)}
                          onChange={(value) =>
                            setPlan(index, (draft) => {
                              draft.variantId = value.trim() === "" ? null : value.trim();
                            })
                          }
                        />
                        <InlineStack align="end">
                          <Button
                            tone="critical"
                            variant="plain"
                            onClick={() => set((draft) => void draft.plans.splice(index, 1))}
                          >
                            {t("membership.plans.remove", { name: plan.name })}
                          </Button>
                        </InlineStack>
                      </FormLayout>
                    </BlockStack>
                  </Card>
                );
              })}
              {editor.issuesUnder("membership.plans").some((issue) => issue.path === "membership.plans") ? (
                <Banner tone="critical">
                  {editor
                    .issuesUnder("membership.plans")
                    .filter((issue) => issue.path === "membership.plans")
                    .map((issue) => issue.message)
                    .join(" ")}
                </Banner>
              ) : null}
              <InlineStack>
                <Button onClick={addPlan} disabled={membership.plans.length >= 10}>
                  {t("membership.plans.add")}
                </Button>
              </InlineStack>
              <Card>
                <BlockStack gap="300">
                  <Text as="h3" variant="headingSm">
                    {t("membership.product.title")}
                  </Text>
                  <Text as="p" tone="subdued">
                    {t("membership.product.help")}
                  </Text>
                  <Checkbox
                    label={t("membership.product.taxable")}
                    checked={taxable}
                    onChange={(checked) => setTaxable(checked)}
                  />
                  <InlineStack>
                    <Button
                      variant="primary"
                      onClick={() => editor.saveWith({ intent: "create-product", taxable })}
                      disabled={(withoutVariant === 0 && brokenPlans.size === 0) || editor.saving}
                      loading={editor.saving}
                    >
                      {t("membership.product.create")}
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection title={t("membership.perks.title")} description={t("membership.perks.description")}>
            <Card>
              <FormLayout>
                <FormLayout.Group>
                  <NumberField
                    label={t("membership.perks.earnMultiplier")}
                    value={membership.perks.earnMultiplier}
                    error={editor.errorFor("membership.perks.earnMultiplier")}
                    onChange={(value) => set((draft) => void (draft.perks.earnMultiplier = value ?? 1))}
                  />
                  <Checkbox
                    label={t("membership.perks.stacksWithTier")}
                    helpText={t("membership.perks.stacksWithTierHelp")}
                    checked={membership.perks.stacksWithTier}
                    onChange={(checked) => set((draft) => void (draft.perks.stacksWithTier = checked))}
                  />
                </FormLayout.Group>
                <FormLayout.Group>
                  <NumberField
                    label={t("membership.perks.joinBonusPoints")}
                    value={membership.perks.joinBonusPoints}
                    error={editor.errorFor("membership.perks.joinBonusPoints")}
                    onChange={(value) => set((draft) => void (draft.perks.joinBonusPoints = value ?? 0))}
                  />
                  <NumberField
                    label={t("membership.perks.renewalBonusPoints")}
                    value={membership.perks.renewalBonusPoints}
                    error={editor.errorFor("membership.perks.renewalBonusPoints")}
                    onChange={(value) => set((draft) => void (draft.perks.renewalBonusPoints = value ?? 0))}
                  />
                </FormLayout.Group>
                <TextField
                  label={t("membership.perks.tag")}
                  helpText={t("membership.perks.tagHelp")}
                  autoComplete="off"
                  value={membership.perks.tag}
                  error={editor.errorFor("membership.perks.tag")}
                  onChange={(value) => set((draft) => void (draft.perks.tag = value))}
                />
                {/* The same checkout perks as a VIP tier's: automatic discounts for the members' segment. */}
                <TierPerksFields
                  help={t("membership.perks.discountsHelp")}
                  level={{ perks: membership.perks.discounts }}
                  statuses={{}}
                  errorFor={(path) => editor.errorFor(`membership.perks.discounts.${path}`)}
                  onChange={(change) =>
                    set((draft) => {
                      draft.perks.discounts ??= { percentageOff: null, freeShipping: null };
                      change(draft.perks.discounts);
                    })
                  }
                />
              </FormLayout>
            </Card>
          </Layout.AnnotatedSection>
        </Layout>
        <MembershipFiguresSection figures={figures} />
      </BlockStack>
    </ProgramPage>
  );
}
