import {
  Badge,
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { DayField, NumberField } from "~/admin/common/fields";
import { ProgramPage, useProgramEditor, type ProgramEditor } from "~/admin/common/program-editor";
import { useTranslation } from "~/i18n";
import {
  BADGE_ICONS,
  challengeSchema,
  type Challenge,
  type ChallengeGoal,
  type Milestone,
  type Program,
} from "~/loyalty/program/program";

export interface ChallengesPageData {
  program: Program;
  revision: number;
  /** Members who completed each challenge, and who hold each badge. */
  counts: { completions: Record<string, number>; badges: Record<string, number> };
}

const GOAL_TYPES = ["orders", "spend", "products", "actions", "referrals", "streak"] as const;

/** A goal of another type, keeping what carries over (the count, the window). */
function goalOfType(type: ChallengeGoal["type"], from: ChallengeGoal): ChallengeGoal {
  const count = "count" in from ? from.count : 2;
  const withinDays = "withinDays" in from ? from.withinDays : null;
  switch (type) {
    case "orders":
      return { type, count, withinDays };
    case "spend":
      return { type, amount: 100, withinDays };
    case "products":
      return { type, productIds: [], collectionIds: [], count, withinDays };
    case "actions":
      return { type, actionKey: null, count, withinDays };
    case "referrals":
      return { type, count, withinDays };
    case "streak":
      return { type, period: "month", count: Math.max(2, count) };
  }
}

/** Challenges, milestones and the leaderboard: what shoppers do for badges and rewards. */
export function ChallengesPage(data: ChallengesPageData) {
  const editor = useProgramEditor(data);
  const { t } = useTranslation();
  const { challenges, milestones, leaderboard } = editor.draft.engagement;
  const addChallenge = () =>
    editor.update((p) =>
      p.engagement.challenges.push(
        challengeSchema.parse({
          id: `challenge-${p.engagement.challenges.length + 1}`,
          name: t("challenges.challenge.defaultName"),
          goal: { type: "orders", count: 2, withinDays: 30 },
          reward: { type: "points", points: 100 },
          badge: "trophy",
        }),
      ),
    );
  const addMilestone = () =>
    editor.update((p) =>
      p.engagement.milestones.push({
        id: `milestone-${p.engagement.milestones.length + 1}`,
        name: t("challenges.milestone.defaultName"),
        translations: {},
        metric: "orders",
        threshold: 5,
        badge: "star",
      }),
    );
  return (
    <ProgramPage title={t("challenges.title")} editor={editor}>
      <BlockStack gap="500">
        <Text as="p" tone="subdued">
          {t("challenges.intro")}
        </Text>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingLg">
              {t("challenges.challenge.heading")}
            </Text>
            <Button onClick={addChallenge}>{t("challenges.challenge.add")}</Button>
          </InlineStack>
          {challenges.length === 0 ? (
            <Text as="p" tone="subdued">
              {t("challenges.challenge.none")}
            </Text>
          ) : null}
          {challenges.map((challenge, index) => (
            <ChallengeCard
              key={index}
              editor={editor}
              index={index}
              challenge={challenge}
              completed={data.counts.completions[challenge.id] ?? 0}
            />
          ))}
        </BlockStack>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingLg">
              {t("challenges.milestone.heading")}
            </Text>
            <Button onClick={addMilestone}>{t("challenges.milestone.add")}</Button>
          </InlineStack>
          {milestones.map((milestone, index) => (
            <MilestoneCard
              key={index}
              editor={editor}
              index={index}
              milestone={milestone}
              holders={data.counts.badges[`milestone:${milestone.id}`] ?? 0}
            />
          ))}
        </BlockStack>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingLg">
              {t("challenges.leaderboard.heading")}
            </Text>
            <Checkbox
              label={t("challenges.leaderboard.enabled")}
              helpText={t("challenges.leaderboard.help")}
              checked={leaderboard.enabled}
              onChange={(enabled) => editor.update((p) => void (p.engagement.leaderboard.enabled = enabled))}
            />
            <NumberField
              label={t("challenges.leaderboard.size")}
              value={leaderboard.size}
              error={editor.errorFor("engagement.leaderboard.size")}
              onChange={(size) => editor.update((p) => void (p.engagement.leaderboard.size = size ?? 0))}
            />
          </BlockStack>
        </Card>
      </BlockStack>
    </ProgramPage>
  );
}

function iconOptions(t: (key: string) => string) {
  return BADGE_ICONS.map((icon) => ({ label: t(`challenges.icons.${icon}`), value: icon }));
}

function ChallengeCard({
  editor,
  index,
  challenge,
  completed,
}: {
  editor: ProgramEditor;
  index: number;
  challenge: Challenge;
  completed: number;
}) {
  const { t } = useTranslation();
  const path = `engagement.challenges.${index}`;
  const change = (edit: (c: Challenge) => void) => editor.update((p) => edit(p.engagement.challenges[index]!));
  const goal = challenge.goal;
  const rewards = editor.draft.rewards.filter((reward) => reward.type !== "store_credit");
  const actions = editor.draft.earning.customActions;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h3" variant="headingMd">
            {challenge.name}
          </Text>
          <Badge tone={completed ? "success" : undefined}>
            {t("challenges.challenge.completed", { count: completed })}
          </Badge>
        </InlineStack>
        <FormLayout>
          <FormLayout.Group>
            <TextField
              label={t("challenges.challenge.name")}
              autoComplete="off"
              value={challenge.name}
              error={editor.errorFor(`${path}.name`)}
              onChange={(name) => change((c) => void (c.name = name))}
            />
            <TextField
              label={t("challenges.challenge.description")}
              autoComplete="off"
              value={challenge.description}
              error={editor.errorFor(`${path}.description`)}
              onChange={(description) => change((c) => void (c.description = description))}
            />
          </FormLayout.Group>
          <FormLayout.Group condensed>
            <Select
              label={t("challenges.goal.type")}
              options={GOAL_TYPES.map((type) => ({ label: t(`challenges.goal.types.${type}`), value: type }))}
              value={goal.type}
              onChange={(type) => change((c) => void (c.goal = goalOfType(type as ChallengeGoal["type"], c.goal)))}
            />
            {goal.type === "spend" ? (
              <NumberField
                label={t("challenges.goal.amount")}
                value={goal.amount}
                error={editor.errorFor(`${path}.goal.amount`)}
                onChange={(amount) => change((c) => void ((c.goal as typeof goal).amount = amount ?? 0))}
              />
            ) : (
              <NumberField
                label={t(goal.type === "streak" ? "challenges.goal.periods" : "challenges.goal.count")}
                value={goal.count}
                error={editor.errorFor(`${path}.goal.count`)}
                onChange={(count) => change((c) => void ((c.goal as typeof goal).count = count ?? 0))}
              />
            )}
            {goal.type === "streak" ? (
              <Select
                label={t("challenges.goal.period")}
                options={[
                  { label: t("challenges.goal.week"), value: "week" },
                  { label: t("challenges.goal.month"), value: "month" },
                ]}
                value={goal.period}
                onChange={(period) => change((c) => void ((c.goal as typeof goal).period = period as "week" | "month"))}
              />
            ) : (
              <NumberField
                label={t("challenges.goal.withinDays")}
                helpText={t("challenges.goal.withinDaysHelp")}
                value={goal.withinDays}
                error={editor.errorFor(`${path}.goal.withinDays`)}
                onChange={(days) => change((c) => void ((c.goal as typeof goal).withinDays = days))}
              />
            )}
          </FormLayout.Group>
          {goal.type === "products" ? (
            <TextField
              label={t("challenges.goal.productIds")}
              helpText={t("challenges.goal.productIdsHelp")}
              autoComplete="off"
              value={goal.productIds.join(", ")}
              error={editor.errorFor(`${path}.goal.productIds`)}
              onChange={(text) =>
                change(
                  (c) =>
                    void ((c.goal as typeof goal).productIds = text
                      .split(/[\s,]+/)
                      .map((id) => id.trim())
                      .filter(Boolean)),
                )
              }
            />
          ) : null}
          {goal.type === "actions" ? (
            <Select
              label={t("challenges.goal.action")}
              options={[
                { label: t("challenges.goal.anyAction"), value: "" },
                ...actions.map((action) => ({ label: action.name, value: action.key })),
              ]}
              value={goal.actionKey ?? ""}
              onChange={(key) => change((c) => void ((c.goal as typeof goal).actionKey = key || null))}
            />
          ) : null}
          <FormLayout.Group condensed>
            <Select
              label={t("challenges.reward.type")}
              options={[
                { label: t("challenges.reward.points"), value: "points" },
                ...(rewards.length ? [{ label: t("challenges.reward.catalog"), value: "reward" }] : []),
                { label: t("challenges.reward.none"), value: "none" },
              ]}
              value={challenge.reward?.type ?? "none"}
              onChange={(type) =>
                change(
                  (c) =>
                    void (c.reward =
                      type === "points"
                        ? { type: "points", points: 100 }
                        : type === "reward"
                          ? { type: "reward", rewardId: rewards[0]!.id }
                          : null),
                )
              }
            />
            {challenge.reward?.type === "points" ? (
              <NumberField
                label={t("challenges.reward.pointsLabel")}
                value={challenge.reward.points}
                error={editor.errorFor(`${path}.reward.points`)}
                onChange={(points) => change((c) => void ((c.reward as { points: number }).points = points ?? 0))}
              />
            ) : null}
            {challenge.reward?.type === "reward" ? (
              <Select
                label={t("challenges.reward.catalog")}
                options={rewards.map((reward) => ({ label: reward.name, value: reward.id }))}
                value={challenge.reward.rewardId}
                onChange={(rewardId) => change((c) => void ((c.reward as { rewardId: string }).rewardId = rewardId))}
              />
            ) : null}
            <Select
              label={t("challenges.badge")}
              options={[{ label: t("challenges.noBadge"), value: "" }, ...iconOptions(t)]}
              value={challenge.badge ?? ""}
              onChange={(icon) => change((c) => void (c.badge = (icon || null) as Challenge["badge"]))}
            />
          </FormLayout.Group>
          <FormLayout.Group condensed>
            <DayField
              label={t("challenges.challenge.starts")}
              value={challenge.startsAt}
              onChange={(at) => change((c) => void (c.startsAt = at))}
            />
            <DayField
              label={t("challenges.challenge.ends")}
              value={challenge.endsAt}
              error={editor.errorFor(`${path}.endsAt`)}
              onChange={(at) => change((c) => void (c.endsAt = at))}
            />
          </FormLayout.Group>
          <Checkbox
            label={t("challenges.challenge.repeatable")}
            checked={challenge.repeatable}
            onChange={(repeatable) => change((c) => void (c.repeatable = repeatable))}
          />
          {editor.draft.tiers.levels.length ? (
            <InlineStack gap="300">
              {editor.draft.tiers.levels.map((tier) => (
                <Checkbox
                  key={tier.id}
                  label={t("challenges.challenge.onlyTier", { tier: tier.name })}
                  checked={challenge.tierIds.includes(tier.id)}
                  onChange={(on) =>
                    change(
                      (c) => void (c.tierIds = on ? [...c.tierIds, tier.id] : c.tierIds.filter((id) => id !== tier.id)),
                    )
                  }
                />
              ))}
            </InlineStack>
          ) : null}
        </FormLayout>
        <InlineStack align="end">
          <Button
            variant="plain"
            tone="critical"
            onClick={() => editor.update((p) => void p.engagement.challenges.splice(index, 1))}
          >
            {t("common.remove")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

function MilestoneCard({
  editor,
  index,
  milestone,
  holders,
}: {
  editor: ProgramEditor;
  index: number;
  milestone: Milestone;
  holders: number;
}) {
  const { t } = useTranslation();
  const path = `engagement.milestones.${index}`;
  const change = (edit: (m: Milestone) => void) => editor.update((p) => edit(p.engagement.milestones[index]!));
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h3" variant="headingMd">
            {milestone.name}
          </Text>
          <Badge>{t("challenges.milestone.holders", { count: holders })}</Badge>
        </InlineStack>
        <FormLayout>
          <FormLayout.Group condensed>
            <TextField
              label={t("challenges.milestone.name")}
              autoComplete="off"
              value={milestone.name}
              error={editor.errorFor(`${path}.name`)}
              onChange={(name) => change((m) => void (m.name = name))}
            />
            <Select
              label={t("challenges.milestone.metric")}
              options={(["lifetime_points", "orders", "membership_years"] as const).map((metric) => ({
                label: t(`challenges.milestone.metrics.${metric}`),
                value: metric,
              }))}
              value={milestone.metric}
              onChange={(metric) => change((m) => void (m.metric = metric as Milestone["metric"]))}
            />
            <NumberField
              label={t("challenges.milestone.threshold")}
              value={milestone.threshold}
              error={editor.errorFor(`${path}.threshold`)}
              onChange={(threshold) => change((m) => void (m.threshold = threshold ?? 0))}
            />
            <Select
              label={t("challenges.badge")}
              options={iconOptions(t)}
              value={milestone.badge}
              onChange={(icon) => change((m) => void (m.badge = icon as Milestone["badge"]))}
            />
          </FormLayout.Group>
        </FormLayout>
        <InlineStack align="end">
          <Button
            variant="plain"
            tone="critical"
            onClick={() => editor.update((p) => void p.engagement.milestones.splice(index, 1))}
          >
            {t("common.remove")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
