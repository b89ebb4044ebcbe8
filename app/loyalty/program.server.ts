import type { Prisma } from "@prisma/client";
import { defaultProgram, parseProgram, type Program, type ProgramIssue } from "./program";

type Tx = Prisma.TransactionClient;

export interface LoadedShop {
  id: string;
  domain: string;
  program: Program;
  programRevision: number;
}

/** A shop row as the hot paths read it: the program as stored text, parsed only when it changed. */
export interface StoredShopProgram {
  id: string;
  domain: string;
  programRevision: number;
  program: string | null;
}

const parsedPrograms = new Map<string, { stored: string | null; program: Program }>();
const PARSED_PROGRAMS_KEPT = 1_000;

/**
 * Validating a program (zod) costs more than the rest of a storefront read; each shop's stored
 * program is parsed once per process and reused while its text is unchanged. Frozen, because
 * every request shares it.
 */
export function loadedShop(row: StoredShopProgram): LoadedShop {
  let cached = parsedPrograms.get(row.id);
  if (!cached || cached.stored !== row.program) {
    const stored = row.program === null ? null : parseProgram(JSON.parse(row.program));
    // A stored program is validated on save; should a later schema reject it, it still loads
    // as the default rather than stopping every webhook.
    cached = { stored: row.program, program: deepFreeze(stored?.ok ? stored.program : defaultProgram()) };
    if (parsedPrograms.size >= PARSED_PROGRAMS_KEPT) parsedPrograms.delete(parsedPrograms.keys().next().value!);
    parsedPrograms.set(row.id, cached);
  }
  return { id: row.id, domain: row.domain, program: cached.program, programRevision: row.programRevision };
}

/** The shop's program; a shop that never saved one runs the default program. */
export async function loadShop(db: Tx, shopId: string): Promise<LoadedShop> {
  const [row] = await db.$queryRaw<StoredShopProgram[]>`
    SELECT id, domain, "programRevision", program::text AS program FROM "Shop" WHERE id = ${shopId}`;
  if (!row) throw new Error(`shop ${shopId} not found`);
  return loadedShop(row);
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
 * instead of silently overwriting a colleague's change.
 */
export async function saveProgram(
  db: Tx,
  shopId: string,
  input: unknown,
  expectedRevision?: number,
): Promise<SaveProgramResult> {
  const parsed = parseProgram(input);
  if (!parsed.ok) return { ok: false, status: 422, issues: parsed.issues };
  const { count } = await db.shop.updateMany({
    where: { id: shopId, ...(expectedRevision === undefined ? {} : { programRevision: expectedRevision }) },
    data: { program: parsed.program as unknown as Prisma.InputJsonValue, programRevision: { increment: 1 } },
  });
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { programRevision: true } });
  if (count === 0) return { ok: false, status: 409, revision: shop.programRevision };
  return { ok: true, program: parsed.program, revision: shop.programRevision };
}

const DAY_MS = 86_400_000;

/** When points earned at `earnedAt` expire under a fixed-period policy (null otherwise). */
export function expiresAtFor(program: Program, earnedAt: Date): Date | null {
  return program.expiry.mode === "fixed" ? new Date(earnedAt.getTime() + program.expiry.days * DAY_MS) : null;
}
