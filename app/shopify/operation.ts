import type { AdminOperations } from "./admin-operations.generated";

/**
 * An Admin GraphQL document with the types of its result and variables. Documents are written
 * as template literals that start with #graphql, without interpolation, so the schema test can find and
 * validate every one of them (test/admin-schema.test.ts).
 */
export interface AdminOperation<TData, TVariables extends Record<string, unknown>> {
  readonly source: string;
  readonly name: string;
  /** Phantom fields: carry the types, never read at run time. */
  readonly __data?: TData;
  readonly __variables?: TVariables;
}

/** A document `npm run codegen` has seen: its exact source text names its generated types. */
export type AdminDocument = keyof AdminOperations;

/**
 * The operation for a document, typed by the codegen from the pinned Admin schema. A document
 * changed without `npm run codegen` is not an AdminDocument, so it fails `npm run typecheck`.
 */
export function adminOperation<Source extends AdminDocument>(
  source: Source,
): AdminOperation<AdminOperations[Source]["data"], AdminOperations[Source]["variables"]> {
  const name = /\b(?:query|mutation)\s+(\w+)/.exec(source)?.[1];
  if (!name) throw new Error("Admin operations must be named: `query Name { … }`");
  return { source, name };
}

export interface UserError {
  field?: string[] | null;
  message: string;
  code?: string | null;
}
