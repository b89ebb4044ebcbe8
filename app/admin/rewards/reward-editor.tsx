import { useNavigate, useParams } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  FormLayout,
  Layout,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { NumberField } from "~/admin/common/fields";
import { NameTranslations, setTranslatedName } from "~/admin/common/name-translations";
import { ProgramPage, useProgramEditor } from "~/admin/common/program-editor";
import { formatMoney } from "~/admin/common/format";
import { idFromName } from "~/admin/common/ids";
import { describeCombinations, describeReward, newReward } from "~/admin/common/rewards";
import { useTranslation } from "~/i18n";
import { isStepped, type Program, type Reward } from "~/loyalty/program/program";

const TYPES: Reward["type"][] = [
  "fixed_amount",
  "percentage",
  "free_shipping",
  "free_product",
  "variable",
  "store_credit",
];

/** One reward of the catalog (or a new one, for the id "new"): its type, value, cost and limits. */
export function RewardEditor({
  currencyCode,
  ...loaded
}: {
  program: Program;
  revision: number;
  currencyCode: string | null;
}) {
  const params = useParams();
  const navigate = useNavigate();
  const { t, i18n } = useTranslation();
  const money = (amount: number) => formatMoney(i18n.language, amount, currencyCode);
  const editor = useProgramEditor(loaded);
  const isNew = params.rewardId === "new";
  // A new reward is the one this page adds at the end of the catalog; it gets its id from its
  // name when it is saved (withIdsFromNames), then the page moves to that id's address.
  const [newIndex] = useState(() => loaded.program.rewards.length);
  const added = useRef(false);
  useEffect(() => {
    if (!isNew || added.current) return;
    added.current = true;
    editor.update((p) => {
      const name = t("rewards.newName");
      p.rewards.push(
        newReward(
          "fixed_amount",
          idFromName(
            name,
            p.rewards.map((r) => r.id),
            "reward",
          ),
          name,
        ),
      );
    });
  }, [isNew, editor, t]);
  const index = isNew
    ? editor.draft.rewards.length > newIndex
      ? newIndex
      : -1
    : editor.draft.rewards.findIndex((reward) => reward.id === params.rewardId);
  const firstRevision = useRef(loaded.revision);
  const savedNew = isNew && editor.savedRevision !== firstRevision.current && index >= 0;
  const savedId = savedNew ? editor.draft.rewards[index]!.id : null;
  useEffect(() => {
    if (savedId) navigate(`/app/rewards/${savedId}`, { replace: true });
  }, [savedId, navigate]);

  const reward = editor.draft.rewards[index];
  const path = (field: string) => `rewards.${index}.${field}`;
  const set = (change: (reward: Reward) => void) => editor.update((p) => change(p.rewards[index]!));
  const error = (field: string) => editor.errorFor(path(field));

  if (!reward) {
    return (
      <ProgramPage
        title={t("rewards.removedTitle")}
        editor={editor}
        backAction={{ content: t("rewards.title"), url: "/app/rewards" }}
      >
        <Banner tone="info">
          <p>{t("rewards.removedBody")}</p>
        </Banner>
      </ProgramPage>
    );
  }
  const tiers = editor.draft.tiers.levels;
  return (
    <ProgramPage
      title={reward.name || t("rewards.newName")}
      editor={editor}
      backAction={{ content: t("rewards.title"), url: "/app/rewards" }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <FormLayout>
                <TextField
                  label={t("rewards.fields.name")}
                  autoComplete="off"
                  value={reward.name}
                  error={error("name")}
                  onChange={(name) => set((r) => void (r.name = name))}
                />
                <Select
                  label={t("rewards.fields.type")}
                  options={TYPES.map((type) => ({ value: type, label: t(`rewards.types.${type}`) }))}
                  value={reward.type}
                  onChange={(type) =>
                    set((r) => {
                      const fresh = newReward(type as Reward["type"], r.id, r.name);
                      Object.keys(r).forEach((key) => delete (r as Record<string, unknown>)[key]);
                      Object.assign(r, {
                        ...fresh,
                        minimumOrder: reward.minimumOrder,
                        tierIds: reward.tierIds,
                        codePrefix: reward.codePrefix,
                        codeLifetimeDays: reward.codeLifetimeDays,
                        combinesWith: reward.combinesWith,
                        ...(reward.translations ? { translations: reward.translations } : {}),
                      });
                    })
                  }
                />
                <RewardValueFields reward={reward} set={set} error={error} />
                <Text as="p" tone="subdued">
                  {describeReward(t, reward, money)}
                </Text>
              </FormLayout>
            </Card>
            <Card>
              <NameTranslations
                translations={reward.translations}
                defaultName={reward.name}
                errorFor={(language) => error(`translations.${language}.name`)}
                onChange={(language, name) => set((r) => setTranslatedName(r, language, name))}
              />
            </Card>
            {/* Store credit is a payment, not a code: no minimum, prefix, lifetime or combinations. */}
            {reward.type === "store_credit" ? (
              <Banner tone="info">{t("rewards.storeCreditHelp")}</Banner>
            ) : (
              <>
                <Card>
                  <FormLayout>
                    <NumberField
                      label={t("rewards.fields.minimumOrder")}
                      helpText={t("rewards.fields.minimumOrderHelp")}
                      value={reward.minimumOrder}
                      error={error("minimumOrder")}
                      onChange={(value) => set((r) => void (r.minimumOrder = value))}
                    />
                    <FormLayout.Group>
                      <TextField
                        label={t("rewards.fields.codePrefix")}
                        autoComplete="off"
                        value={reward.codePrefix}
                        error={error("codePrefix")}
                        onChange={(value) => set((r) => void (r.codePrefix = value.toUpperCase()))}
                      />
                      <NumberField
                        label={t("rewards.fields.codeLifetimeDays")}
                        value={reward.codeLifetimeDays}
                        error={error("codeLifetimeDays")}
                        onChange={(value) => set((r) => void (r.codeLifetimeDays = value ?? 0))}
                      />
                    </FormLayout.Group>
                  </FormLayout>
                </Card>
                <Card>
                  <BlockStack gap="200">
                    <Text as="h2" variant="headingSm">
                      {t("rewards.combinations.title")}
                    </Text>
                    {(["orderDiscounts", "productDiscounts", "shippingDiscounts"] as const).map((kind) => (
                      <Checkbox
                        key={kind}
                        label={t(`rewards.combinations.labels.${kind}`)}
                        helpText={t(`rewards.combinations.help.${kind}`)}
                        checked={reward.combinesWith[kind]}
                        onChange={(checked) => set((r) => void (r.combinesWith[kind] = checked))}
                      />
                    ))}
                    <Text as="p" tone="subdued">
                      {describeCombinations(t, reward.combinesWith)}
                    </Text>
                  </BlockStack>
                </Card>
              </>
            )}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <ChoiceList
                allowMultiple
                title={t("rewards.fields.tiers")}
                choices={tiers.map((tier) => ({ value: tier.id, label: tier.name }))}
                selected={reward.tierIds}
                onChange={(selected) => set((r) => void (r.tierIds = selected))}
              />
              <Text as="p" tone="subdued">
                {tiers.length ? t("rewards.fields.tiersHelp") : t("rewards.fields.noTiers")}
              </Text>
            </Card>
            {isNew ? null : (
              <Card>
                <Button tone="critical" onClick={() => editor.update((p) => void p.rewards.splice(index, 1))}>
                  {t("rewards.delete")}
                </Button>
              </Card>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </ProgramPage>
  );
}

function RewardValueFields({
  reward,
  set,
  error,
}: {
  reward: Reward;
  set: (change: (reward: Reward) => void) => void;
  error: (field: string) => string | undefined;
}) {
  const { t } = useTranslation();
  const cost =
    reward.type === "variable" || reward.type === "store_credit" ? null : (
      <NumberField
        label={t("rewards.fields.pointsCost")}
        value={reward.pointsCost}
        error={error("pointsCost")}
        onChange={(value) => set((r) => void ("pointsCost" in r && (r.pointsCost = value ?? 0)))}
      />
    );
  switch (reward.type) {
    case "fixed_amount":
      return (
        <FormLayout.Group>
          {cost}
          <NumberField
            label={t("rewards.fields.amount")}
            value={reward.amount}
            error={error("amount")}
            onChange={(value) => set((r) => void (r.type === "fixed_amount" && (r.amount = value ?? 0)))}
          />
        </FormLayout.Group>
      );
    case "percentage":
      return (
        <FormLayout.Group>
          {cost}
          <NumberField
            label={t("rewards.fields.percentage")}
            value={reward.percentage}
            error={error("percentage")}
            onChange={(value) => set((r) => void (r.type === "percentage" && (r.percentage = value ?? 0)))}
          />
        </FormLayout.Group>
      );
    case "free_shipping":
      return (
        <FormLayout.Group>
          {cost}
          <NumberField
            label={t("rewards.fields.maxShippingPrice")}
            value={reward.maxShippingPrice}
            error={error("maxShippingPrice")}
            onChange={(value) => set((r) => void (r.type === "free_shipping" && (r.maxShippingPrice = value)))}
          />
        </FormLayout.Group>
      );
    case "free_product":
      return (
        <FormLayout.Group>
          {cost}
          <TextField
            label={t("rewards.fields.variantId")}
            autoComplete="off"
            value={reward.variantId}
            error={error("variantId")}
            onChange={(value) => set((r) => void (r.type === "free_product" && (r.variantId = value)))}
          />
        </FormLayout.Group>
      );
    case "variable":
    case "store_credit":
      return (
        <BlockStack gap="200">
          <FormLayout.Group>
            <NumberField
              label={t("rewards.fields.pointsPerStep")}
              value={reward.pointsPerStep}
              error={error("pointsPerStep")}
              onChange={(value) => set((r) => void (isStepped(r) && (r.pointsPerStep = value ?? 0)))}
            />
            <NumberField
              label={t("rewards.fields.amountPerStep")}
              value={reward.amountPerStep}
              error={error("amountPerStep")}
              onChange={(value) => set((r) => void (isStepped(r) && (r.amountPerStep = value ?? 0)))}
            />
            <NumberField
              label={t("rewards.fields.minPoints")}
              value={reward.minPoints}
              error={error("minPoints")}
              onChange={(value) => set((r) => void (isStepped(r) && (r.minPoints = value ?? 0)))}
            />
            <NumberField
              label={t("rewards.fields.maxPoints")}
              value={reward.maxPoints}
              error={error("maxPoints")}
              onChange={(value) => set((r) => void (isStepped(r) && (r.maxPoints = value ?? 0)))}
            />
          </FormLayout.Group>
          {reward.type === "store_credit" ? (
            <NumberField
              label={t("rewards.fields.creditExpiryDays")}
              helpText={t("rewards.fields.creditExpiryDaysHelp")}
              value={reward.creditExpiryDays}
              error={error("creditExpiryDays")}
              onChange={(value) => set((r) => void (r.type === "store_credit" && (r.creditExpiryDays = value || null)))}
            />
          ) : null}
        </BlockStack>
      );
  }
}
