import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GivingPage } from "~/admin/giving/giving-page";
import { givingPageAction, givingPageData } from "~/admin/giving/giving-page.server";

export const loader = ({ request }: LoaderFunctionArgs) => givingPageData(request);

export const action = ({ request }: ActionFunctionArgs) => givingPageAction(request);

export default function GivingRoute() {
  return <GivingPage {...useLoaderData<typeof loader>()} />;
}
