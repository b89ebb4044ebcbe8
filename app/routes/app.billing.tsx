import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { adminContext } from "~/admin/common/admin-context.server";
import { BillingPage, type BillingAnswer } from "~/admin/billing/billing-page";
import { billingReturnUrl } from "~/admin/billing/return-url";
import { serverEnvironment } from "~/config/env.server";
import prisma from "~/db.server";
import { requireMethod } from "~/http/methods.server";
import { billingOn, refreshSubscriptions, requestCapRaise, requestPlan } from "~/loyalty/billing/billing.server";
import { billingOverview } from "~/loyalty/billing/overview.server";
import { sandboxShop } from "~/shopify/session-token.server";

/**
 * Shopify is the truth about the plan: every visit (the merchant's return from the approval page
 * among them, with `?charge_id=`) reads it first. When Shopify does not answer, the stored state.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  const now = new Date();
  let shopifyAnswered = true;
  if (billingOn()) {
    try {
      // A page the merchant waits for: two attempts, then the stored state.
      await refreshSubscriptions(prisma, shop, now, { maxAttempts: 2 });
    } catch (error) {
      shopifyAnswered = false;
      console.error(JSON.stringify({ event: "billing.refresh_failed", shop: shop.domain, error: String(error) }));
    }
  }
  return { overview: await billingOverview(prisma, shop.id, now), shopifyAnswered };
}

const billingIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve") }),
  z.object({ intent: z.literal("raise_cap"), cap: z.coerce.number().int().positive() }),
]);

/** The merchant asks to approve the plan or a higher cap: the answer is Shopify's page to open. */
export async function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "GET", "POST");
  const { shop } = await adminContext(request);
  const parsed = billingIntent.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ error: "invalid" } satisfies BillingAnswer, { status: 400 });
  try {
    if (parsed.data.intent === "approve") {
      const env = serverEnvironment();
      const returnUrl = billingReturnUrl({
        appUrl: env.SHOPIFY_APP_URL,
        apiKey: env.SHOPIFY_API_KEY,
        shop: shop.domain,
        sandbox: sandboxShop() !== null,
      });
      const plan = await requestPlan(prisma, shop, returnUrl, new Date());
      if (plan.status === "approve") return { confirmationUrl: plan.confirmationUrl } satisfies BillingAnswer;
      if (plan.status === "active") return { error: "already_active" } satisfies BillingAnswer;
      return Response.json({ error: "billing_off" } satisfies BillingAnswer, { status: 409 });
    }
    const raise = await requestCapRaise(prisma, shop, parsed.data.cap);
    if (raise.status === "approve") return { confirmationUrl: raise.confirmationUrl } satisfies BillingAnswer;
    return Response.json({ error: raise.status } satisfies BillingAnswer, { status: 409 });
  } catch (error) {
    console.error(JSON.stringify({ event: "billing.request_failed", shop: shop.domain, error: String(error) }));
    return Response.json({ error: "shopify_unavailable" } satisfies BillingAnswer, { status: 502 });
  }
}

export default function BillingRoute() {
  return <BillingPage {...useLoaderData<typeof loader>()} />;
}
