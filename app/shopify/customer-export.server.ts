import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { z } from "zod";
import type { AdminGateway } from "./admin-gateway.server";
import type { ShopifyCustomer } from "./customers.server";
import { AdminUserError, CustomerExportDownloadError, CustomerExportUnreadableError } from "./errors";
import { legacyId } from "./order-payloads";
import type * as Admin from "./admin-operations.generated";
import { adminOperation } from "./operation";

/**
 * The shop's customers as one bulk operation (docs/import.md): Shopify runs the query below in the
 * background and leaves a JSONL file, one customer a line, at a signed URL. Its Admin API cost is
 * the mutation and the polls, whatever the number of customers.
 */

/** What each line of the export holds: validated and typed like every other operation. */
const CustomerExportLines = adminOperation(`#graphql
  query CustomerExportLines {
    customers {
      edges { node { id firstName lastName defaultEmailAddress { emailAddress } } }
    }
  }
`);

const RunCustomerExport = adminOperation(`#graphql
  mutation RunCustomerExport($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: false) {
      bulkOperation { id status }
      userErrors { field message code }
    }
  }
`);

const CustomerExportStatus = adminOperation(`#graphql
  query CustomerExportStatus($id: ID!) {
    bulkOperation(id: $id) { id status errorCode url }
  }
`);

/** Shopify runs at most five bulk queries per shop and app (2026-01 and later): a sixth waits. */
const BUSY_CODES = new Set(["LIMIT_REACHED", "OPERATION_IN_PROGRESS"]);

/** Starts the export; `busy` when Shopify runs as many of the app's bulk operations as it allows. */
export async function startCustomerExport(admin: AdminGateway): Promise<{ id: string } | { busy: true }> {
  const { bulkOperationRunQuery: payload }: Admin.RunCustomerExportMutation = await admin.request(RunCustomerExport, {
    query: CustomerExportLines.source,
  });
  const errors = payload?.userErrors ?? [{ field: null, message: "empty payload", code: null }];
  if (errors.some((error) => error.code && BUSY_CODES.has(error.code))) return { busy: true };
  if (errors.length || !payload?.bulkOperation) throw new AdminUserError(errors, RunCustomerExport.name, admin.shop);
  return { id: payload.bulkOperation.id };
}

export type CustomerExportState =
  | { state: "running" }
  /** `url` is null when the shop has no customers: Shopify writes no file. */
  | { state: "completed"; url: string | null }
  | { state: "failed"; reason: string }
  /** The file is older than Shopify keeps it (7 days), or the operation is unknown: start another. */
  | { state: "gone" };

export async function customerExportState(admin: AdminGateway, id: string): Promise<CustomerExportState> {
  const { bulkOperation }: Admin.CustomerExportStatusQuery = await admin.request(CustomerExportStatus, { id });
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

type ExportLine = NonNullable<Admin.CustomerExportLinesQuery["customers"]["edges"][number]["node"]>;
const exportLine = z.object({
  id: z.string().min(1),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  defaultEmailAddress: z.object({ emailAddress: z.string() }).nullable(),
}) satisfies z.ZodType<ExportLine>;

/** A whole export of a large shop is hundreds of megabytes: it may take this long to read. */
const DOWNLOAD_TIMEOUT_MS = 15 * 60_000;

/**
 * The customers of a completed export, one at a time as the file arrives: lines are read as they
 * stream in, so memory stays bounded whatever the file's size. Customers without an email are left out.
 */
export async function* readCustomerExport(
  shop: string,
  url: string,
  options: { fetch?: typeof fetch } = {},
): AsyncGenerator<ShopifyCustomer> {
  const send = options.fetch ?? fetch;
  let response: Response;
  try {
    // A signed storage URL: no access token goes with it.
    response = await send(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch {
    throw new CustomerExportDownloadError(0, shop);
  }
  if (!response.ok || !response.body) throw new CustomerExportDownloadError(response.status, shop);
  const input = Readable.fromWeb(response.body as NodeReadableStream);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (!line.trim()) continue;
      let parsed: z.infer<typeof exportLine>;
      try {
        parsed = exportLine.parse(JSON.parse(line));
      } catch {
        throw new CustomerExportUnreadableError(lineNumber, shop);
      }
      const email = parsed.defaultEmailAddress?.emailAddress.trim().toLowerCase();
      if (!email) continue;
      yield {
        customerId: legacyId(parsed.id)!,
        email,
        firstName: parsed.firstName ?? null,
        lastName: parsed.lastName ?? null,
      };
    }
  } catch (error) {
    if (error instanceof CustomerExportUnreadableError) throw error;
    // The connection broke mid-file: the next pass reads it again.
    throw new CustomerExportDownloadError(0, shop);
  } finally {
    // A reader that stops early (every row matched) leaves the rest of the file unread.
    lines.close();
    input.destroy();
  }
}
