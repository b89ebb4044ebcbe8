import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  FormLayout,
  InlineGrid,
  Layout,
  Modal,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { adminContext } from "~/admin/common/admin-context.server";
import { NumberField } from "~/admin/common/fields";
import { Figure } from "~/admin/common/figure";
import prisma from "~/db.server";
import { useTranslation } from "~/i18n";
import { adjustmentFromForm, adjustmentRequest } from "~/loyalty/members/adjustments";
import { applyAdjustment, customerOfMember } from "~/loyalty/members/adjustments.server";
import { memberDetail } from "~/loyalty/members/list.server";
import { requireMethod } from "~/http/methods.server";
import { invalidBody } from "~/shopify/admin-api.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  const detail = await memberDetail(prisma, shop.id, params.memberId ?? "");
  if (!detail) throw new Response("Not Found", { status: 404 });
  return detail;
}

export type AdjustmentOutcome =
  | { ok: true; balance: number }
  | { ok?: undefined; error: "insufficient_points" | "not_a_customer" | "idempotency_key_reused" }
  | { ok?: undefined; error: "invalid_adjustment"; issues: { path: string; message: string }[] };

/** A manual adjustment, once per form (its idempotency key), with the staff member from the session token. */
export async function action({ request, params }: ActionFunctionArgs) {
  requireMethod(request, "GET", "POST");
  const { shop, staffId } = await adminContext(request);
  const customerId = await customerOfMember(prisma, shop.id, params.memberId ?? "");
  if (customerId === undefined) throw new Response("Not Found", { status: 404 });
  if (customerId === null)
    return Response.json({ error: "not_a_customer" } satisfies AdjustmentOutcome, { status: 409 });
  // The same schema, fields and 422 as POST /api/members/:customerId/adjustments.
  const body = adjustmentRequest.safeParse(adjustmentFromForm(await request.formData()));
  if (!body.success) return invalidBody("invalid_adjustment", body.error.issues);
  const result = await applyAdjustment(prisma, shop.id, { ...body.data, customerId, staffId, now: new Date() });
  // The form draws a new key per submission: a reused one is a double submission of another form.
  if (result.status === "idempotency_key_reused")
    return Response.json({ error: "idempotency_key_reused" } satisfies AdjustmentOutcome, { status: 422 });
  if (result.status === "insufficient_points")
    return Response.json({ error: "insufficient_points" } satisfies AdjustmentOutcome, { status: 409 });
  return Response.json({ ok: true, balance: result.balance } satisfies AdjustmentOutcome);
}

/** Adjustments this large are confirmed first: a typo of one zero is real money. */
const CONFIRM_ABOVE = 1000;

export default function MemberPage() {
  const detail = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const { member } = detail;
  const date = new Intl.DateTimeFormat(i18n.language, { dateStyle: "medium", timeStyle: "short" });
  const number = (value: number) => value.toLocaleString(i18n.language);
  return (
    <Page
      title={member.email ?? t("members.redacted")}
      subtitle={[member.firstName, member.lastName].filter(Boolean).join(" ")}
      backAction={{ content: t("members.title"), url: "/app/members" }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <InlineGrid columns={3} gap="400">
              <Figure label={t("member.balance")} value={number(member.balance)} />
              <Figure label={t("member.pending")} value={number(member.pending)} />
              <Figure label={t("member.tier")} value={member.tier?.name ?? t("member.noTier")} />
            </InlineGrid>
            <Card padding="0">
              <div style={{ padding: "var(--p-space-400)" }}>
                <Text as="h2" variant="headingMd">
                  {t("member.ledger")}
                </Text>
              </div>
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric"]}
                headings={[
                  t("member.columns.date"),
                  t("member.columns.what"),
                  t("member.columns.points"),
                  t("member.columns.pending"),
                ]}
                rows={detail.ledger.map((entry) => [
                  date.format(new Date(entry.createdAt)),
                  entry.description,
                  signed(entry.delta),
                  signed(entry.pendingDelta),
                ])}
                footerContent={detail.ledgerTruncated ? t("member.ledgerTruncated") : undefined}
              />
            </Card>
            <Card padding="0">
              <div style={{ padding: "var(--p-space-400)" }}>
                <Text as="h2" variant="headingMd">
                  {t("member.redemptions")}
                </Text>
              </div>
              {detail.redemptions.length ? (
                <DataTable
                  columnContentTypes={["text", "text", "text", "numeric", "text"]}
                  headings={[
                    t("member.columns.date"),
                    t("member.columns.reward"),
                    t("member.columns.code"),
                    t("member.columns.points"),
                    t("member.columns.status"),
                  ]}
                  rows={detail.redemptions.map((redemption) => [
                    date.format(new Date(redemption.createdAt)),
                    redemption.rewardName,
                    redemption.code,
                    number(redemption.pointsSpent),
                    <Badge
                      key={redemption.id}
                      tone={
                        redemption.status === "active"
                          ? "success"
                          : redemption.status === "failed"
                            ? "critical"
                            : undefined
                      }
                    >
                      {t(`member.redemptionStatus.${redemption.status}`)}
                    </Badge>,
                  ])}
                />
              ) : (
                <div style={{ padding: "0 var(--p-space-400) var(--p-space-400)" }}>
                  <Text as="p" tone="subdued">
                    {t("member.noRedemptions")}
                  </Text>
                </div>
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <AdjustmentForm canAdjust={Boolean(member.shopifyCustomerId)} />
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {t("member.tierHistory")}
                </Text>
                {detail.tierHistory.length ? (
                  detail.tierHistory.map((change) => (
                    <Text as="p" key={change.id}>
                      {t("member.tierChange", {
                        date: date.format(new Date(change.createdAt)),
                        from: change.from?.name ?? t("member.noTier"),
                        to: change.to?.name ?? t("member.noTier"),
                      })}
                    </Text>
                  ))
                ) : (
                  <Text as="p" tone="subdued">
                    {t("member.noTierChanges")}
                  </Text>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

const signed = (value: number) => (value > 0 ? `+${value}` : value === 0 ? "" : String(value));

function AdjustmentForm({ canAdjust }: { canAdjust: boolean }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<AdjustmentOutcome>();
  const [points, setPoints] = useState<number | null>(null);
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);
  // One key per adjustment: a double click or a retried request applies it once.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const outcome = fetcher.state === "idle" ? fetcher.data : undefined;
  useEffect(() => {
    if (!outcome?.ok) return;
    setPoints(null);
    setReason("");
    setIdempotencyKey(crypto.randomUUID());
  }, [outcome]);
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
        {outcome?.ok ? <Banner tone="success">{t("member.adjust.done", { balance: outcome.balance })}</Banner> : null}
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
