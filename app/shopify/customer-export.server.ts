import { z } from "zod";
import type { AdminGateway } from "./admin-gateway.server";
import type { ShopifyCustomer } from "./customers.server";
import { BULK_BUSY_CODES, bulkFileLines } from "./bulk-operations.server";
import { AdminUserError, CustomerExportUnreadableError } from "./errors";
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

/** Starts the export; `busy` when Shopify runs as many of the app's bulk operations as it allows. */
export async function startCustomerExport(admin: AdminGateway): Promise<{ id: string } | { busy: true }> {
  const { bulkOperationRunQuery: payload }: Admin.RunCustomerExportMutation = await admin.request(RunCustomerExport, {
    query: CustomerExportLines.source,
  });
  const errors = payload?.userErrors ?? [{ field: null, message: "empty payload", code: null }];
  if (errors.some((error) => error.code && BULK_BUSY_CODES.has(error.code))) return { busy: true };
  if (errors.length || !payload?.bulkOperation) throw new AdminUserError(errors, RunCustomerExport.name, admin.shop);
  return { id: payload.bulkOperation.id };
}

type ExportLine = NonNullable<Admin.CustomerExportLinesQuery["customers"]["edges"][number]["node"]>;
const exportLine = z.object({
  id: z.string().min(1),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  defaultEmailAddress: z.object({ emailAddress: z.string() }).nullable(),
}) satisfies z.ZodType<ExportLine>;

/**
 * The customers of a completed export, one at a time as the file arrives: lines are read as they
 * stream in, so memory stays bounded whatever the file's size. Customers without an email are left out.
 */
export async function* readCustomerExport(
  shop: string,
  url: string,
  options: { fetch?: typeof fetch } = {},
): AsyncGenerator<ShopifyCustomer> {
  for await (const { line, lineNumber } of bulkFileLines(shop, url, options)) {
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
}
