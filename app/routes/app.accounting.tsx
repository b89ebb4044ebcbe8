import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AccountingPage } from "~/admin/accounting/accounting-page";
import { accountingPageAction, accountingPageData } from "~/admin/accounting/accounting-page.server";

export const loader = ({ request }: LoaderFunctionArgs) => accountingPageData(request);

export const action = ({ request }: ActionFunctionArgs) => accountingPageAction(request);

export default function AccountingRoute() {
  return <AccountingPage {...useLoaderData<typeof loader>()} />;
}
