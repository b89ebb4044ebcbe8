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
 * The document to save: rewards, tiers, challenges, milestones, membership plans, surveys and causes added since the last save take their id from the name
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
  const causes = renameNew(next.giving.causes, saved.giving.causes, "cause");
  // The default cause may be one just added: it follows its new id.
  const { defaultCauseId } = next.giving;
  if (defaultCauseId !== null) next.giving.defaultCauseId = causes.get(defaultCauseId) ?? defaultCauseId;
  return next;
}

/** Gives new items their ids; returns each renamed item's placeholder id → its id. */
function renameNew(items: { id: string; name: string }[], saved: { id: string }[], fallback: string) {
  const savedIds = new Set(saved.map((item) => item.id));
  const taken = [...savedIds];
  const renamed = new Map<string, string>();
  for (const item of items) {
    if (savedIds.has(item.id)) continue;
    const id = idFromName(item.name, taken, fallback);
    renamed.set(item.id, id);
    item.id = id;
    taken.push(id);
  }
  return renamed;
}
