import type { LoaderFunctionArgs } from "@remix-run/node";
import { accountingExport } from "~/admin/accounting/accounting-page.server";
import { onlyMethods } from "~/http/methods.server";

/** GET /app/export/accounting?from=YYYY-MM&to=YYYY-MM: the points roll-forward and its value, as CSV for the accountant. */
export const loader = ({ request }: LoaderFunctionArgs) => accountingExport(request);

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
