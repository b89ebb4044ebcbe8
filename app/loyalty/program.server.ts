import type { Prisma } from "@prisma/client";
import { defaultProgram, parseProgram, type Program, type ProgramIssue } from "./program";

type Tx = Prisma.TransactionClient;

export interface LoadedShop {
  id: string;
  domain: string;
  program: Program;
  programRevision: number;
}

/** The shop's program; a shop that never saved one runs the default program. */
export async function loadShop(db: Tx, shopId: string): Promise<LoadedShop> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
  const stored = shop.program === null ? null : parseProgram(shop.program);
  return {
    id: shop.id,
    domain: shop.domain,
    // A stored program is validated on save; should a later schema reject it, it still loads
    // as the default rather than stopping every webhook.
    program: stored?.ok ? stored.program : defaultProgram(),
    programRevision: shop.programRevision,
  };
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
