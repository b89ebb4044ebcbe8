import { Card, Checkbox, FormLayout, Layout, Select } from "@shopify/polaris";
import { NumberField } from "~/admin/common/fields";
import type { ProgramEditor } from "~/admin/common/program-editor";
import { formatMoney } from "~/admin/common/format";
import { describeReward } from "~/admin/common/rewards";
import { useTranslation } from "~/i18n";
import { canBeGiven, type Referrals } from "~/loyalty/program/program";

/** The `referrals` part of the program document. */
export function ReferralSettings({ editor, currencyCode }: { editor: ProgramEditor; currencyCode: string | null }) {
  const { t, i18n } = useTranslation();
  const money = (amount: number) => formatMoney(i18n.language, amount, currencyCode);
  const { draft, errorFor } = editor;
  const settings = draft.referrals;
  const set = (change: (referrals: Referrals) => void) => editor.update((p) => change(p.referrals));
  // Only a reward that can be given can be the prize (no store credit).
  const rewards = draft.rewards.filter(canBeGiven);
  const prize = settings.referrerReward;
  const offer = settings.refereeReward;
  const velocity = settings.fraud.velocity;
  return (
    <Layout>
      <Layout.AnnotatedSection
        title={t("referrals.settings.status.title")}
        description={t("referrals.settings.status.description")}
      >
        <Card>
          <Checkbox
            label={t("referrals.settings.status.enabled")}
            helpText={t("referrals.settings.status.enabledHelp")}
            checked={settings.enabled}
            onChange={(checked) => set((r) => void (r.enabled = checked))}
          />
        </Card>
      </Layout.AnnotatedSection>

      <Layout.AnnotatedSection
        title={t("referrals.settings.rewards.title")}
        description={t("referrals.settings.rewards.description")}
      >
        <Card>
          <FormLayout>
            <FormLayout.Group>
              <Select
                label={t("referrals.settings.rewards.referrerType")}
                options={[
                  { value: "points", label: t("referrals.settings.rewards.referrerTypes.points") },
                  {
                    value: "reward",
                    label: t("referrals.settings.rewards.referrerTypes.reward"),
                    disabled: rewards.length === 0,
                  },
                ]}
                value={prize.type}
                onChange={(type) =>
                  set(
                    (r) =>
                      void (r.referrerReward =
                        type === "reward"
                          ? { type: "reward", rewardId: rewards[0]?.id ?? "" }
                          : { type: "points", points: 500 }),
                  )
                }
              />
              {prize.type === "points" ? (
                <NumberField
                  label={t("referrals.settings.rewards.referrerPoints")}
                  value={prize.points}
                  error={errorFor("referrals.referrerReward.points")}
                  onChange={(value) => set((r) => void (r.referrerReward = { type: "points", points: value ?? 0 }))}
                />
              ) : (
                <Select
                  label={t("referrals.settings.rewards.referrerRewardId")}
                  options={rewards.map((reward) => ({
                    value: reward.id,
                    label: `${reward.name} — ${describeReward(t, reward, money)}`,
                  }))}
                  value={prize.rewardId}
                  error={errorFor("referrals.referrerReward.rewardId")}
                  onChange={(rewardId) => set((r) => void (r.referrerReward = { type: "reward", rewardId }))}
                />
              )}
            </FormLayout.Group>
            <FormLayout.Group>
              <Select
                label={t("referrals.settings.rewards.refereeType")}
                options={(["percentage", "fixed_amount", "free_shipping"] as const).map((value) => ({
                  value,
                  label: t(`referrals.settings.rewards.refereeTypes.${value}`),
                }))}
                value={offer.type}
                onChange={(type) =>
                  set((r) => {
                    r.refereeReward =
                      type === "percentage"
                        ? { type, percentage: 10 }
                        : type === "fixed_amount"
                          ? { type, amount: 5 }
                          : { type: "free_shipping" };
                  })
                }
              />
              {offer.type === "percentage" ? (
                <NumberField
                  label={t("referrals.settings.rewards.refereePercentage")}
                  value={offer.percentage}
                  error={errorFor("referrals.refereeReward.percentage")}
                  onChange={(value) =>
                    set((r) => void (r.refereeReward = { type: "percentage", percentage: value ?? 0 }))
                  }
                />
              ) : offer.type === "fixed_amount" ? (
                <NumberField
                  label={t("referrals.settings.rewards.refereeAmount")}
                  value={offer.amount}
                  error={errorFor("referrals.refereeReward.amount")}
                  onChange={(value) =>
                    set((r) => void (r.refereeReward = { type: "fixed_amount", amount: value ?? 0 }))
                  }
                />
              ) : null}
            </FormLayout.Group>
          </FormLayout>
        </Card>
      </Layout.AnnotatedSection>

      <Layout.AnnotatedSection
        title={t("referrals.settings.rules.title")}
        description={t("referrals.settings.rules.description")}
      >
        <Card>
          <FormLayout>
            <FormLayout.Group>
              <NumberField
                label={t("referrals.settings.rules.attributionDays")}
                helpText={t("referrals.settings.rules.attributionDaysHelp")}
                value={settings.attributionDays}
                error={errorFor("referrals.attributionDays")}
                onChange={(value) => set((r) => void (r.attributionDays = value ?? 0))}
              />
              <NumberField
                label={t("referrals.settings.rules.minimumOrder")}
                value={settings.minimumOrder}
                error={errorFor("referrals.minimumOrder")}
                onChange={(value) => set((r) => void (r.minimumOrder = value ?? 0))}
              />
            </FormLayout.Group>
            <FormLayout.Group>
              <NumberField
                label={t("referrals.settings.rules.holdDays")}
                helpText={t("referrals.settings.rules.holdDaysHelp")}
                value={settings.holdDays}
                error={errorFor("referrals.holdDays")}
                onChange={(value) => set((r) => void (r.holdDays = value ?? 0))}
              />
              <NumberField
                label={t("referrals.settings.rules.monthlyCap")}
                helpText={t("referrals.settings.rules.monthlyCapHelp")}
                value={settings.monthlyCapPerReferrer}
                error={errorFor("referrals.monthlyCapPerReferrer")}
                onChange={(value) => set((r) => void (r.monthlyCapPerReferrer = value))}
              />
            </FormLayout.Group>
          </FormLayout>
        </Card>
      </Layout.AnnotatedSection>

      <Layout.AnnotatedSection
        title={t("referrals.settings.fraud.title")}
        description={t("referrals.settings.fraud.description")}
      >
        <Card>
          <FormLayout>
            <Checkbox
              label={t("referrals.settings.fraud.selfReferral")}
              helpText={t("referrals.settings.fraud.selfReferralHelp")}
              checked={settings.fraud.selfReferral}
              onChange={(checked) => set((r) => void (r.fraud.selfReferral = checked))}
            />
            <Checkbox
              label={t("referrals.settings.fraud.existingCustomer")}
              helpText={t("referrals.settings.fraud.existingCustomerHelp")}
              checked={settings.fraud.existingCustomer}
              onChange={(checked) => set((r) => void (r.fraud.existingCustomer = checked))}
            />
            <Checkbox
              label={t("referrals.settings.fraud.disposableEmail")}
              helpText={t("referrals.settings.fraud.disposableEmailHelp")}
              checked={settings.fraud.disposableEmail}
              onChange={(checked) => set((r) => void (r.fraud.disposableEmail = checked))}
            />
            <Checkbox
              label={t("referrals.settings.fraud.velocity")}
              helpText={t("referrals.settings.fraud.velocityHelp")}
              checked={velocity.enabled}
              onChange={(checked) => set((r) => void (r.fraud.velocity.enabled = checked))}
            />
            {velocity.enabled ? (
              <FormLayout.Group>
                <NumberField
                  label={t("referrals.settings.fraud.maxReferrals")}
                  value={velocity.maxReferrals}
                  error={errorFor("referrals.fraud.velocity.maxReferrals")}
                  onChange={(value) => set((r) => void (r.fraud.velocity.maxReferrals = value ?? 0))}
                />
                <NumberField
                  label={t("referrals.settings.fraud.windowHours")}
                  value={velocity.windowHours}
                  error={errorFor("referrals.fraud.velocity.windowHours")}
                  onChange={(value) => set((r) => void (r.fraud.velocity.windowHours = value ?? 0))}
                />
              </FormLayout.Group>
            ) : null}
          </FormLayout>
        </Card>
      </Layout.AnnotatedSection>
    </Layout>
  );
}
