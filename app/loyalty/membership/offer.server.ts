import type { Membership, Program, ProgramIssue } from "~/loyalty/program/program";
import type { AdminGateway } from "~/shopify/admin-gateway.server";
import { ensureMembershipProduct, findVariants } from "~/shopify/membership-product.server";

/**
 * The merchant's side of the paid membership's offer (issue 22): the product Tally creates for its
 * plans, the variants a merchant picks instead (which must be the shop's), and whether the offer
 * still sells (a variant deleted in Shopify breaks it).
 */

export type OfferHealth =
  /** No plan has a variant yet: nothing to check. */
  | { status: "unset" }
  | { status: "ok" }
  /** These plans' variants no longer exist in Shopify: shoppers cannot buy them. */
  | { status: "broken"; planIds: string[] }
  /** Shopify did not answer: the page says nothing either way. */
  | { status: "unknown" };

/** One Admin API call for every plan's variant. */
export async function membershipOfferHealth(admin: AdminGateway, membership: Membership): Promise<OfferHealth> {
  const plans = membership.plans.filter((plan) => plan.variantId !== null);
  if (!plans.length) return { status: "unset" };
  try {
    const found = await findVariants(
      admin,
      plans.map((plan) => plan.variantId!),
    );
    const broken = plans.filter((plan) => !found.has(plan.variantId!)).map((plan) => plan.id);
    return broken.length ? { status: "broken", planIds: broken } : { status: "ok" };
  } catch (error) {
    console.error("Could not check the membership's variants", error);
    return { status: "unknown" };
  }
}

export type PickedVariantsCheck = { ok: true; program: Program } | { ok: false; issues: ProgramIssue[] };

/**
 * The variants a save gives plans (new ones, or changed since `saved`) must be product variants of
 * this shop: each is looked up (one call), its product's handle recorded for the customer account's
 * link; one that is not the shop's is an issue on its field and nothing is saved. Variants already
 * saved are not checked again: a deleted one shows as a broken offer, and must not block every save.
 */
export async function checkPickedVariants(
  admin: AdminGateway,
  draft: Program,
  saved: Program,
): Promise<PickedVariantsCheck> {
  const program = structuredClone(draft);
  const savedVariant = new Map(saved.membership.plans.map((plan) => [plan.id, plan]));
  const picked = program.membership.plans
    .map((plan, index) => ({ plan, index }))
    .filter(({ plan }) => plan.variantId !== null && savedVariant.get(plan.id)?.variantId !== plan.variantId);
  for (const plan of program.membership.plans) if (plan.variantId === null) plan.productHandle = null;
  if (!picked.length) return { ok: true, program };
  const found = await findVariants(
    admin,
    picked.map(({ plan }) => plan.variantId!),
  );
  const issues: ProgramIssue[] = [];
  for (const { plan, index } of picked) {
    const variant = found.get(plan.variantId!);
    if (variant) plan.productHandle = variant.productHandle;
    else
      issues.push({
        path: `membership.plans.${index}.variantId`,
        message: `Variant ${plan.variantId} is not a product variant of this shop (another shop's, or deleted).`,
      });
  }
  return issues.length ? { ok: false, issues } : { ok: true, program };
}

/** The product's description: what the membership gives, in the words a shopper reads on its page. */
export function membershipDescriptionHtml(membership: Membership): string {
  const perks: string[] = [];
  if (membership.perks.earnMultiplier > 1) perks.push(`${membership.perks.earnMultiplier}× points on every order`);
  if (membership.perks.discounts?.freeShipping) perks.push("free shipping");
  const percentage = membership.perks.discounts?.percentageOff?.percentage;
  if (percentage) perks.push(`${percentage}% off`);
  if (membership.perks.joinBonusPoints > 0)
    perks.push(`${membership.perks.joinBonusPoints} bonus points when you join`);
  const escape = (text: string) =>
    text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const lines = [
    `<p>${escape(membership.name)}: a paid membership of our loyalty program.</p>`,
    perks.length ? `<p>Members get ${escape(perks.join(", "))}.</p>` : "",
    "<p>Each purchase adds the plan's period to your membership. Nothing is shipped.</p>",
  ];
  return lines.filter(Boolean).join("");
}

/**
 * Creates (or finds, after a lost answer) the membership's product in Shopify with a variant for each
 * plan that has none, or whose variant no longer exists (a broken offer is mended the same way), and
 * returns the program with their variant ids and the product's handle.
 */
export async function withCreatedMembershipProduct(
  admin: AdminGateway,
  program: Program,
  options: { taxable: boolean },
): Promise<Program> {
  const next = structuredClone(program);
  const existing = await findVariants(
    admin,
    next.membership.plans.flatMap((plan) => plan.variantId ?? []),
  );
  const plans = next.membership.plans.filter((plan) => plan.variantId === null || !existing.has(plan.variantId));
  if (!plans.length) return next;
  const made = await ensureMembershipProduct(admin, {
    title: next.membership.name,
    descriptionHtml: membershipDescriptionHtml(next.membership),
    taxable: options.taxable,
    plans: plans.map((plan) => ({ id: plan.id, name: plan.name, price: plan.price })),
  });
  for (const plan of plans) {
    plan.variantId = made.variantIds[plan.id] ?? null;
    plan.productHandle = made.handle;
  }
  return next;
}
