import { Prisma } from "@prisma/client";
import { NOW_UTC } from "~/db/clock.server";
import { queueTierPerkSync } from "~/db/tier-perks-queue.server";
import {
  defaultProgram,
  hasTierPerks,
  holdoutSchema,
  parseProgram,
  type Program,
  type ProgramIssue,
  type ProgramParse,
} from "./program";
import { holdoutAsSaved } from "./holdout";

type Tx = Prisma.TransactionClient;

export interface LoadedShop {
  id: string;
  domain: string;
  /** The program that runs: the saved one, or the last valid one while the saved one does not validate. */
  program: Program;
  programRevision: number;
}

/** A shop row as the hot paths read it: the programs as stored text, parsed only when they changed. */
export interface StoredShopProgram {
  id: string;
  domain: string;
  programRevision: number;
  program: string | null;
  /** Null when there is none, or when it is the saved program itself. */
  lastValidProgram: string | null;
  lastValidRevision: number | null;
}

/**
 * Which program runs for a shop. A saved program that no longer validates (a later schema, an edit
 * outside Tally) never falls back to the default program: the last valid revision keeps running,
 * and with none, nothing is scored (docs/decisions/0015-last-valid-program-runs.md).
 */
export type ProgramState =
  | { status: "saved"; program: Program }
  | { status: "last_valid"; program: Program; problems: ProgramIssue[]; runningRevision: number | null }
  | { status: "none"; problems: ProgramIssue[] };

const resolvedPrograms = new Map<string, { stored: string | null; lastValid: string | null; state: ProgramState }>();
const RESOLVED_PROGRAMS_KEPT = 1_000;

function parseStored(text: string): ProgramParse {
  try {
    return parseProgram(JSON.parse(text));
  } catch {
    return { ok: false, issues: [{ path: "", message: "not JSON" }] };
  }
}

function resolveProgram(row: StoredShopProgram): ProgramState {
  if (row.program === null) return { status: "saved", program: defaultProgram() };
  const saved = parseStored(row.program);
  if (saved.ok) return { status: "saved", program: saved.program };
  const lastValid = row.lastValidProgram === null ? null : parseStored(row.lastValidProgram);
  if (lastValid?.ok)
    return {
      status: "last_valid",
      program: lastValid.program,
      problems: saved.issues,
      runningRevision: row.lastValidRevision,
    };
  return { status: "none", problems: saved.issues };
}

/**
 * Validating a program (zod) costs more than the rest of a storefront read; each shop's stored
 * program is resolved once per process and reused while its text is unchanged, which also logs a
 * program that stopped validating once per change rather than on every request. Frozen, because
 * every request shares it.
 */
export function programState(row: StoredShopProgram): ProgramState {
  const cached = resolvedPrograms.get(row.id);
  if (cached && cached.stored === row.program && cached.lastValid === row.lastValidProgram) return cached.state;
  const state = deepFreeze(resolveProgram(row));
  if (state.status !== "saved") {
    const problems = state.problems.map((issue) => `${issue.path || "(document)"}: ${issue.message}`).join("; ");
    const running =
      state.status === "last_valid"
        ? `revision ${state.runningRevision ?? "?"} keeps running`
        : "no valid revision: nothing is scored until it is fixed";
    console.error(
      `Shop ${row.domain}: saved program revision ${row.programRevision} no longer validates (${problems}); ${running}`,
    );
  }
  if (resolvedPrograms.size >= RESOLVED_PROGRAMS_KEPT) resolvedPrograms.delete(resolvedPrograms.keys().next().value!);
  resolvedPrograms.set(row.id, { stored: row.program, lastValid: row.lastValidProgram, state });
  return state;
}

/**
 * The last valid copy, read only when it differs from the saved program (after every save they are
 * equal): the hot paths do not carry the document twice.
 */
export const LAST_VALID_COLUMNS = Prisma.sql`
  CASE WHEN "lastValidProgram" IS DISTINCT FROM program THEN "lastValidProgram"::text END AS "lastValidProgram", "lastValidRevision"`;

/** Thrown where a shop has no valid program: Shopify redelivers a 503 later, nothing is scored under rules the merchant never chose. */
export function programUnavailable(): Response {
  return Response.json(
    { error: "program_unavailable", message: "the shop's loyalty program does not validate" },
    { status: 503, headers: { "Retry-After": "300" } },
  );
}

export function isProgramUnavailable(error: unknown): boolean {
  return error instanceof Response && error.status === 503;
}

/** The shop with the program that runs; throws programUnavailable() when no revision validates. */
export function loadedShop(row: StoredShopProgram): LoadedShop {
  const state = programState(row);
  if (state.status === "none") throw programUnavailable();
  return { id: row.id, domain: row.domain, program: state.program, programRevision: row.programRevision };
}

async function readStoredProgram(db: Tx, shopId: string): Promise<StoredShopProgram> {
  const [row] = await db.$queryRaw<StoredShopProgram[]>`
    SELECT id, domain, "programRevision", program::text AS program, ${LAST_VALID_COLUMNS}
      FROM "Shop" WHERE id = ${shopId}`;
  if (!row) throw new Error(`shop ${shopId} not found`);
  return row;
}

/** The shop's program; a shop that never saved one runs the default program. */
export async function loadShop(db: Tx, shopId: string): Promise<LoadedShop> {
  return loadedShop(await readStoredProgram(db, shopId));
}

/**
 * For jobs: the shop, or null when no revision of its program validates — the job leaves that shop
 * for a later pass instead of failing the pass for every shop.
 */
export async function loadRunnableShop(db: Tx, shopId: string): Promise<LoadedShop | null> {
  try {
    return await loadShop(db, shopId);
  } catch (error) {
    if (isProgramUnavailable(error)) return null;
    throw error;
  }
}

/** For the admin, which must open even when no revision validates (to show why and let it be fixed). */
export async function loadProgramState(db: Tx, shopId: string): Promise<{ state: ProgramState; revision: number }> {
  const row = await readStoredProgram(db, shopId);
  return { state: programState(row), revision: row.programRevision };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export type SaveProgramResult =
  | { ok: true; program: Program; revision: number }
  | { ok: false; status: 409; revision: number }
  | { ok: false; status: 422; issues: ProgramIssue[] };

/**
 * Replaces the program. With `expectedRevision`, a save based on an older copy is refused (409)
 * instead of silently overwriting a colleague's change. What is saved validated, so it is also
 * the last valid revision. A program with tier perks (or a shop that had some) queues their sync.
 */
export async function saveProgram(
  db: Tx,
  shopId: string,
  input: unknown,
  expectedRevision?: number,
): Promise<SaveProgramResult> {
  const parsed = parseProgram(input);
  if (!parsed.ok) return { ok: false, status: 422, issues: parsed.issues };
  // The holdout's start is the server's to set (program/holdout.ts): read from what is saved now.
  const [stored] = await db.$queryRaw<{ holdout: unknown }[]>`
    SELECT program->'holdout' AS holdout FROM "Shop" WHERE id = ${shopId}`;
  const previous = holdoutSchema.safeParse(stored?.holdout);
  parsed.program.holdout = holdoutAsSaved(previous.success ? previous.data : null, parsed.program.holdout, new Date());
  const document = JSON.stringify(parsed.program);
  const saved = await db.$queryRaw<{ programRevision: number }[]>`
    UPDATE "Shop"
       SET program = ${document}::jsonb, "lastValidProgram" = ${document}::jsonb,
           "programRevision" = "programRevision" + 1, "lastValidRevision" = "programRevision" + 1, "updatedAt" = ${NOW_UTC}
     WHERE id = ${shopId} ${expectedRevision === undefined ? Prisma.empty : Prisma.sql`AND "programRevision" = ${expectedRevision}`}
     RETURNING "programRevision"`;
  if (saved[0]) {
    // Tier perks live in Shopify too: the outbox brings them in line (app/loyalty/tiers/perks.server.ts).
    if (hasTierPerks(parsed.program) || (await db.tierPerkSync.findFirst({ where: { shopId }, select: { id: true } })))
      await queueTierPerkSync(db, shopId, new Date());
    return { ok: true, program: parsed.program, revision: saved[0].programRevision };
  }
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { programRevision: true } });
  return { ok: false, status: 409, revision: shop.programRevision };
}

const DAY_MS = 86_400_000;

/** When points earned at `earnedAt` expire under a fixed-period policy (null otherwise). */
export function expiresAtFor(program: Program, earnedAt: Date): Date | null {
  return program.expiry.mode === "fixed" ? new Date(earnedAt.getTime() + program.expiry.days * DAY_MS) : null;
}
