import type { Program } from "~/loyalty/program/program";

/** An id from a name: lowercase letters, digits and dashes, unique among `taken` (-2, -3 … when not). */
export function idFromName(name: string, taken: string[], fallback: string): string {
  const base =
    name
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || fallback;
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

/**
 * The document to save: rewards, tiers, challenges, milestones, membership plans and surveys added since the last save take their id from the name
 * the merchant typed ("Tote bag" → `tote-bag`), not from the placeholder they were added with. A
 * saved id never changes: redemptions, members and the ledger refer to it.
 */
export function withIdsFromNames(draft: Program, saved: Program): Program {
  const next = structuredClone(draft);
  renameNew(next.rewards, saved.rewards, "reward");
  renameNew(next.tiers.levels, saved.tiers.levels, "tier");
  renameNew(next.engagement.challenges, saved.engagement.challenges, "challenge");
  renameNew(next.engagement.milestones, saved.engagement.milestones, "milestone");
  renameNew(next.membership.plans, saved.membership.plans, "plan");
  renameNew(next.surveys, saved.surveys, "survey");
  return next;
}

function renameNew(items: { id: string; name: string }[], saved: { id: string }[], fallback: string) {
  const savedIds = new Set(saved.map((item) => item.id));
  const taken = [...savedIds];
  for (const item of items) {
    if (savedIds.has(item.id)) continue;
    item.id = idFromName(item.name, taken, fallback);
    taken.push(item.id);
  }
}
