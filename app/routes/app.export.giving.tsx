import type { LoaderFunctionArgs } from "@remix-run/node";
import { givingExport } from "~/admin/giving/giving-page.server";
import { onlyMethods } from "~/http/methods.server";

/** GET /app/export/giving?from=YYYY-MM&to=YYYY-MM: what the shop owes each cause, as CSV for the remittance. */
export const loader = ({ request }: LoaderFunctionArgs) => givingExport(request);

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
