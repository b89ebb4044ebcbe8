import { useFetcher, useRevalidator } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "~/i18n";
import { MAX_CAMPAIGN_EMAILS, MAX_MESSAGE_LENGTH, type CampaignStatus } from "~/loyalty/campaigns/campaigns";
import type { AudienceView } from "~/loyalty/campaigns/campaigns.server";

/** What the campaigns route answers its forms with. */
export type CampaignOutcome =
  | { ok: true; done: "counted"; count: number; complete: boolean }
  | { ok: true; done: "created" | "cancelled" }
  | { ok: false; error: "invalid" | "not_found" | "segment_unreadable" };

interface ListedCampaign {
  id: string;
  audience: AudienceView;
  name: string;
  message: string;
  points: number | null;
  rewardId: string | null;
  status: CampaignStatus;
  total: number;
  awarded: number;
  progress: number;
  sendAt: Date | string;
}

interface CampaignsPageProps {
  campaigns: ListedCampaign[];
  segments: { id: string; name: string }[];
  tiers: { id: string; name: string }[];
  rewards: { id: string; name: string }[];
  programEnabled: boolean;
}

type AudienceType = "all" | "tier" | "inactive" | "balance" | "segment" | "emails";

const STATUS_TONE: Record<CampaignStatus, "info" | "success" | "attention" | "critical" | undefined> = {
  counting: "info",
  scheduled: "info",
  running: "attention",
  done: "success",
  cancelled: undefined,
  failed: "critical",
};

/** Surprise-and-delight campaigns: who, what and when; the count first, then the progress. */
export function CampaignsPage({ campaigns, segments, tiers, rewards, programEnabled }: CampaignsPageProps) {
  const { t } = useTranslation();
  const revalidator = useRevalidator();
  // While a campaign is on its way (or due to start), follow its progress.
  const moving = campaigns.some(
    (c) =>
      c.status === "running" ||
      c.status === "counting" ||
      (c.status === "scheduled" && new Date(c.sendAt).getTime() <= Date.now()),
  );
  useEffect(() => {
    if (!moving) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 2000);
    return () => clearInterval(timer);
  }, [moving, revalidator]);
  return (
    <Page title={t("campaigns.title")} subtitle={t("campaigns.subtitle")}>
      <Layout>
        {!programEnabled ? (
          <Layout.Section>
            <Banner tone="warning">{t("campaigns.programOff")}</Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <NewCampaign segments={segments} tiers={tiers} rewards={rewards} />
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                {t("campaigns.list.title")}
              </Text>
              {campaigns.length === 0 ? <Text as="p">{t("campaigns.list.empty")}</Text> : null}
              {campaigns.map((campaign) => (
                <CampaignRow key={campaign.id} campaign={campaign} rewards={rewards} tiers={tiers} />
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function CampaignRow({
  campaign,
  rewards,
  tiers,
}: {
  campaign: ListedCampaign;
  rewards: { id: string; name: string }[];
  tiers: { id: string; name: string }[];
}) {
  const { t } = useTranslation();
  const cancel = useFetcher<CampaignOutcome>();
  const gift =
    campaign.points !== null
      ? t("campaigns.list.points", { count: campaign.points })
      : (rewards.find((reward) => reward.id === campaign.rewardId)?.name ?? t("campaigns.list.reward"));
  const cancellable =
    campaign.status === "running" || campaign.status === "scheduled" || campaign.status === "counting";
  return (
    <Box borderColor="border" borderWidth="025" borderRadius="200" padding="300">
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h3" variant="headingSm">
              {campaign.name}
            </Text>
            <Badge tone={STATUS_TONE[campaign.status]}>{t(`campaigns.status.${campaign.status}`)}</Badge>
            <Text as="span" tone="subdued">
              {gift} · {audienceLabel(campaign.audience, tiers, t)}
            </Text>
          </InlineStack>
          {cancellable ? (
            <Button
              tone="critical"
              variant="plain"
              loading={cancel.state !== "idle"}
              onClick={() =>
                cancel.submit(
                  { intent: "cancel", campaignId: campaign.id },
                  { method: "post", encType: "application/json" },
                )
              }
            >
              {t("campaigns.list.cancel")}
            </Button>
          ) : null}
        </InlineStack>
        {/* React escapes the merchant's message: it is text, never markup. */}
        <Text as="p" tone="subdued">
          {campaign.message}
        </Text>
        {campaign.status === "scheduled" && new Date(campaign.sendAt) > new Date() ? (
          <Text as="p">{t("campaigns.list.sendsAt", { date: new Date(campaign.sendAt).toLocaleString() })}</Text>
        ) : (
          <BlockStack gap="100">
            <ProgressBar progress={campaign.progress} size="small" tone="primary" />
            <Text as="p" tone="subdued">
              {t("campaigns.list.progress", { awarded: campaign.awarded, total: campaign.total })}
            </Text>
          </BlockStack>
        )}
      </BlockStack>
    </Box>
  );
}

/** Who a campaign is for, in a few words. */
function audienceLabel(
  audience: AudienceView,
  tiers: { id: string; name: string }[],
  t: ReturnType<typeof useTranslation>["t"],
): string {
  switch (audience.type) {
    case "tier":
      return t("campaigns.describe.tier", {
        tier: tiers.find((tier) => tier.id === audience.tierId)?.name ?? audience.tierId,
      });
    case "inactive":
      return t("campaigns.describe.inactive", { count: audience.days });
    case "balance":
      return t(`campaigns.describe.${audience.comparison}`, { count: audience.points });
    case "segment":
      return t("campaigns.describe.segment", { segment: audience.segmentName ?? audience.segmentId });
    case "emails":
      return t("campaigns.describe.emails", { count: audience.emailCount });
    default:
      return t("campaigns.audience.all");
  }
}

const toInt = (value: string) => (/^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN);

function NewCampaign({ segments, tiers, rewards }: Pick<CampaignsPageProps, "segments" | "tiers" | "rewards">) {
  const { t } = useTranslation();
  const counter = useFetcher<CampaignOutcome>();
  const creator = useFetcher<CampaignOutcome>();
  const [name, setName] = useState("");
  const [audienceType, setAudienceType] = useState<AudienceType>("all");
  const [tierId, setTierId] = useState(tiers[0]?.id ?? "");
  const [days, setDays] = useState("90");
  const [comparison, setComparison] = useState<"above" | "below">("above");
  const [balance, setBalance] = useState("500");
  const [segmentId, setSegmentId] = useState(segments[0]?.id ?? "");
  const [emails, setEmails] = useState("");
  const [giftType, setGiftType] = useState<"points" | "reward">("points");
  const [points, setPoints] = useState("100");
  const [rewardId, setRewardId] = useState(rewards[0]?.id ?? "");
  const [message, setMessage] = useState("");
  const [when, setWhen] = useState<"now" | "later">("now");
  const [sendAt, setSendAt] = useState("");
  const [countedFor, setCountedFor] = useState<string | null>(null);

  const audience = useMemo(() => {
    switch (audienceType) {
      case "tier":
        return { type: "tier", tierId };
      case "inactive":
        return { type: "inactive", days: toInt(days) };
      case "balance":
        return { type: "balance", comparison, points: toInt(balance) };
      case "segment":
        return { type: "segment", segmentId, segmentName: segments.find((s) => s.id === segmentId)?.name };
      case "emails":
        return {
          type: "emails",
          emails: emails
            .split(/[\s,;]+/)
            .map((email) => email.trim())
            .filter(Boolean),
        };
      default:
        return { type: "all" };
    }
  }, [audienceType, tierId, days, comparison, balance, segmentId, segments, emails]);
  const audienceKey = JSON.stringify(audience);
  const counted = counter.state === "idle" && counter.data?.ok && counter.data.done === "counted" ? counter.data : null;
  // The count shown is the count of this audience: change it and count again before sending.
  const countShown = counted && countedFor === audienceKey ? counted : null;
  const created = creator.state === "idle" && creator.data?.ok && creator.data.done === "created";
  const failed = creator.state === "idle" && creator.data?.ok === false ? creator.data : null;
  const countFailed = counter.state === "idle" && counter.data?.ok === false ? counter.data : null;
  const emailCount = audienceType === "emails" ? (audience as { emails: string[] }).emails.length : 0;

  useEffect(() => {
    if (!created) return;
    setName("");
    setMessage("");
    setCountedFor(null);
  }, [created]);

  const count = () => {
    setCountedFor(audienceKey);
    counter.submit({ intent: "count", audience } as never, { method: "post", encType: "application/json" });
  };
  const send = () =>
    creator.submit(
      {
        intent: "create",
        name,
        audience,
        message,
        ...(giftType === "points" ? { points: toInt(points) } : { rewardId }),
        ...(when === "later" && sendAt ? { sendAt: new Date(sendAt).toISOString() } : {}),
      } as never,
      { method: "post", encType: "application/json" },
    );

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          {t("campaigns.form.title")}
        </Text>
        {created ? <Banner tone="success">{t("campaigns.form.created")}</Banner> : null}
        {failed ? <Banner tone="critical">{t("campaigns.form.invalid")}</Banner> : null}
        <FormLayout>
          <TextField
            label={t("campaigns.form.name")}
            helpText={t("campaigns.form.nameHelp")}
            value={name}
            onChange={setName}
            maxLength={100}
            autoComplete="off"
          />
          <Select
            label={t("campaigns.form.audience")}
            value={audienceType}
            onChange={(value) => setAudienceType(value as AudienceType)}
            options={(["all", "tier", "inactive", "balance", "segment", "emails"] as const).map((value) => ({
              value,
              label: t(`campaigns.audience.${value}`),
            }))}
          />
          {audienceType === "tier" ? (
            <Select
              label={t("campaigns.form.tier")}
              value={tierId}
              onChange={setTierId}
              options={tiers.length ? tiers.map((tier) => ({ value: tier.id, label: tier.name })) : []}
              placeholder={tiers.length ? undefined : t("campaigns.form.noTiers")}
            />
          ) : null}
          {audienceType === "inactive" ? (
            <TextField
              label={t("campaigns.form.days")}
              type="number"
              min={1}
              value={days}
              onChange={setDays}
              autoComplete="off"
            />
          ) : null}
          {audienceType === "balance" ? (
            <FormLayout.Group>
              <Select
                label={t("campaigns.form.comparison")}
                value={comparison}
                onChange={(value) => setComparison(value as "above" | "below")}
                options={[
                  { value: "above", label: t("campaigns.form.above") },
                  { value: "below", label: t("campaigns.form.below") },
                ]}
              />
              <TextField
                label={t("campaigns.form.balance")}
                type="number"
                min={0}
                value={balance}
                onChange={setBalance}
                autoComplete="off"
              />
            </FormLayout.Group>
          ) : null}
          {audienceType === "segment" ? (
            <Select
              label={t("campaigns.form.segment")}
              value={segmentId}
              onChange={setSegmentId}
              options={segments.map((segment) => ({ value: segment.id, label: segment.name }))}
              placeholder={segments.length ? undefined : t("campaigns.form.noSegments")}
            />
          ) : null}
          {audienceType === "emails" ? (
            <TextField
              label={t("campaigns.form.emails")}
              helpText={t("campaigns.form.emailsHelp", { count: emailCount, max: MAX_CAMPAIGN_EMAILS })}
              value={emails}
              onChange={setEmails}
              multiline={4}
              autoComplete="off"
            />
          ) : null}
          <FormLayout.Group>
            <Select
              label={t("campaigns.form.gift")}
              value={giftType}
              onChange={(value) => setGiftType(value as "points" | "reward")}
              options={[
                { value: "points", label: t("campaigns.form.giftPoints") },
                { value: "reward", label: t("campaigns.form.giftReward") },
              ]}
            />
            {giftType === "points" ? (
              <TextField
                label={t("campaigns.form.points")}
                type="number"
                min={1}
                value={points}
                onChange={setPoints}
                autoComplete="off"
              />
            ) : (
              <Select
                label={t("campaigns.form.reward")}
                value={rewardId}
                onChange={setRewardId}
                options={rewards.map((reward) => ({ value: reward.id, label: reward.name }))}
              />
            )}
          </FormLayout.Group>
          <TextField
            label={t("campaigns.form.message")}
            helpText={t("campaigns.form.messageHelp")}
            value={message}
            onChange={setMessage}
            multiline={2}
            maxLength={MAX_MESSAGE_LENGTH}
            showCharacterCount
            autoComplete="off"
          />
          <FormLayout.Group>
            <Select
              label={t("campaigns.form.when")}
              value={when}
              onChange={(value) => setWhen(value as "now" | "later")}
              options={[
                { value: "now", label: t("campaigns.form.now") },
                { value: "later", label: t("campaigns.form.later") },
              ]}
            />
            {when === "later" ? (
              <TextField
                label={t("campaigns.form.sendAt")}
                type="datetime-local"
                value={sendAt}
                onChange={setSendAt}
                autoComplete="off"
              />
            ) : (
              <span />
            )}
          </FormLayout.Group>
        </FormLayout>
        {countShown ? (
          <Banner tone="info">
            <p data-testid="campaign-count">
              {countShown.complete
                ? t("campaigns.form.count", { count: countShown.count })
                : t("campaigns.form.countAtLeast", { count: countShown.count })}
            </p>
          </Banner>
        ) : null}
        {countFailed ? <Banner tone="critical">{t("campaigns.form.countFailed")}</Banner> : null}
        <InlineStack gap="200">
          <Button onClick={count} loading={counter.state !== "idle"}>
            {t("campaigns.form.countButton")}
          </Button>
          <Button
            variant="primary"
            onClick={send}
            loading={creator.state !== "idle"}
            disabled={!countShown || countShown.count === 0 || !name.trim() || !message.trim()}
          >
            {when === "later" ? t("campaigns.form.schedule") : t("campaigns.form.send")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
