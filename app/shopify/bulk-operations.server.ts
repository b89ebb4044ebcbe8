import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { z } from "zod";
import type { AdminGateway } from "./admin-gateway.server";
import type * as Admin from "./admin-operations.generated";
import { AdminUserError, BulkFileDownloadError } from "./errors";
import { adminOperation, type AdminOperation } from "./operation";

/**
 * Shopify's bulk operations, both ways: a query whose result is a JSONL file (the member import's
 * customer export) and a mutation run once per line of an uploaded JSONL file of variables (mass
 * writes of the member sync). Both are polled with `bulkOperation(id:)` and leave a file at a signed URL.
 */

const BulkOperationStatus = adminOperation(`#graphql
  query BulkOperationStatus($id: ID!) {
    bulkOperation(id: $id) { id status errorCode url }
  }
`);

/**
 * An app runs at most five bulk operations per shop, queries and mutations together (2026-01 and
 * later; one of each type before): Shopify refuses another with one of these codes, and it waits.
 */
export const BULK_BUSY_CODES = new Set(["LIMIT_REACHED", "OPERATION_IN_PROGRESS"]);

export type BulkOperationState =
  | { state: "running" }
  /** `url` is null when there is nothing in the file (a query that found nothing): Shopify writes none. */
  | { state: "completed"; url: string | null }
  | { state: "failed"; reason: string }
  /** The file is older than Shopify keeps it (7 days), or the operation is unknown: start another. */
  | { state: "gone" };

export async function bulkOperationState(admin: AdminGateway, id: string): Promise<BulkOperationState> {
  const { bulkOperation }: Admin.BulkOperationStatusQuery = await admin.request(BulkOperationStatus, { id });
  if (!bulkOperation) return { state: "gone" };
  switch (bulkOperation.status) {
    case "EXPIRED":
      return { state: "gone" };
    case "CREATED":
    case "RUNNING":
      return { state: "running" };
    case "COMPLETED":
      return { state: "completed", url: bulkOperation.url ?? null };
    default:
      return { state: "failed", reason: `${bulkOperation.status} ${bulkOperation.errorCode ?? ""}`.trim() };
  }
}

/** A whole file of a large shop is hundreds of megabytes: it may take this long to read. */
const DOWNLOAD_TIMEOUT_MS = 15 * 60_000;

/**
 * The lines of a bulk operation's file, one at a time as it arrives: memory stays bounded whatever
 * its size. A broken download throws BulkFileDownloadError (retryable when the network or Shopify failed).
 */
export async function* bulkFileLines(
  shop: string,
  url: string,
  options: { fetch?: typeof fetch } = {},
): AsyncGenerator<{ line: string; lineNumber: number }> {
  const send = options.fetch ?? fetch;
  let response: Response;
  try {
    // A signed storage URL: no access token goes with it.
    response = await send(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch {
    throw new BulkFileDownloadError(0, shop);
  }
  if (!response.ok || !response.body) throw new BulkFileDownloadError(response.status, shop);
  const input = Readable.fromWeb(response.body as NodeReadableStream);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  const iterator = lines[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<string>;
      try {
        next = await iterator.next();
      } catch {
        // The connection broke mid-file: the caller reads it again later.
        throw new BulkFileDownloadError(0, shop);
      }
      if (next.done) return;
      lineNumber++;
      if (next.value.trim()) yield { line: next.value, lineNumber };
    }
  } finally {
    // A reader that stops early leaves the rest of the file unread.
    lines.close();
    input.destroy();
  }
}

const StageBulkVariables = adminOperation(`#graphql
  mutation StageBulkVariables($input: [StagedUploadInput!]!) {
    stagedUploadsCreate(input: $input) {
      stagedTargets { url parameters { name value } }
      userErrors { field message }
    }
  }
`);

const RunBulkMutation = adminOperation(`#graphql
  mutation RunBulkMutation($mutation: String!, $stagedUploadPath: String!) {
    bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $stagedUploadPath) {
      bulkOperation { id status }
      userErrors { field message code }
    }
  }
`);

/** Shopify takes variables files up to 100 MB (since 2026-01; 20 MB before). */
export const BULK_VARIABLES_MAX_BYTES = 100 * 1024 * 1024;

/** How long the upload of one variables file may take. */
const UPLOAD_TIMEOUT_MS = 5 * 60_000;

/** The upload was refused or broke: nothing ran; the tasks it carried are tried again later. */
export class BulkUploadError extends Error {
  constructor(
    readonly status: number,
    readonly shop: string,
  ) {
    super(`${shop}: the bulk variables upload failed (${status ? `HTTP ${status}` : "network"})`);
    this.name = "BulkUploadError";
  }
}

/**
 * Uploads the variables of a bulk mutation, one JSON object a line, to Shopify's storage (a staged
 * upload: the form's signed parameters first, the file last) and returns the path
 * bulkOperationRunMutation reads it from (the `key` parameter).
 */
export async function stageBulkVariables(
  admin: AdminGateway,
  lines: object[],
  options: { fetch?: typeof fetch } = {},
): Promise<string> {
  const file = new Blob([lines.map((line) => JSON.stringify(line)).join("\n")], { type: "text/jsonl" });
  if (file.size > BULK_VARIABLES_MAX_BYTES) throw new Error(`bulk variables file of ${file.size} bytes is too large`);
  const payload = await admin.mutate(
    StageBulkVariables,
    {
      input: [
        {
          resource: "BULK_MUTATION_VARIABLES",
          filename: "bulk_op_vars.jsonl",
          mimeType: "text/jsonl",
          httpMethod: "POST",
        },
      ],
    },
    (data) => data.stagedUploadsCreate,
  );
  const target = payload.stagedTargets?.[0];
  const key = target?.parameters.find((parameter) => parameter.name === "key")?.value;
  if (!target?.url || !key) {
    throw new AdminUserError([{ message: "no staged upload target" }], StageBulkVariables.name, admin.shop);
  }
  const form = new FormData();
  for (const { name, value } of target.parameters) form.append(name, value);
  form.append("file", file, "bulk_op_vars.jsonl");
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(target.url, {
      method: "POST",
      body: form,
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
  } catch {
    throw new BulkUploadError(0, admin.shop);
  }
  await response.body?.cancel();
  if (!response.ok) throw new BulkUploadError(response.status, admin.shop);
  return key;
}

export type BulkMutationStart = { id: string } | { busy: true } | { refused: string };

/**
 * Runs `mutation` once per line of the staged file. `busy` when the app already runs as many bulk
 * operations on the shop as Shopify allows; `refused` when Shopify will not run this file (gone, invalid).
 */
export async function startBulkMutation(
  admin: AdminGateway,
  mutation: AdminOperation<unknown, Record<string, unknown>>,
  stagedUploadPath: string,
): Promise<BulkMutationStart> {
  const { bulkOperationRunMutation: payload }: Admin.RunBulkMutationMutation = await admin.request(RunBulkMutation, {
    mutation: mutation.source,
    stagedUploadPath,
  });
  const errors = payload?.userErrors ?? [{ field: null, message: "empty payload", code: null }];
  if (errors.some((error) => error.code && BULK_BUSY_CODES.has(error.code))) return { busy: true };
  if (errors.length || !payload?.bulkOperation) {
    return { refused: errors.map((error) => `${error.code ?? ""} ${error.message}`.trim()).join("; ") };
  }
  return { id: payload.bulkOperation.id };
}

/** One line of a bulk mutation's result: the mutation's payload, or the errors that stopped it. */
const resultLine = z.object({
  __lineNumber: z.number().int().nonnegative(),
  errors: z.array(z.unknown()).optional(),
  data: z.record(z.string(), z.object({ userErrors: z.array(z.unknown()).optional() }).nullable()).nullish(),
});

/**
 * The lines (0-based, in the variables file's order) that applied: no GraphQL errors and no
 * `userErrors` in the payload. Shopify writes the results in any order, each with its
 * `__lineNumber`; a line missing from the file did not apply.
 */
export async function appliedBulkLines(
  shop: string,
  url: string | null,
  options: { fetch?: typeof fetch } = {},
): Promise<Set<number>> {
  const applied = new Set<number>();
  if (!url) return applied;
  for await (const { line, lineNumber } of bulkFileLines(shop, url, options)) {
    let parsed: z.infer<typeof resultLine>;
    try {
      parsed = resultLine.parse(JSON.parse(line));
    } catch {
      throw new Error(`${shop}: line ${lineNumber} of a bulk mutation's result is unreadable`);
    }
    const payloads = Object.values(parsed.data ?? {});
    const failed = parsed.errors?.length || payloads.some((payload) => !payload || payload.userErrors?.length);
    if (payloads.length && !failed) applied.add(parsed.__lineNumber);
  }
  return applied;
}
