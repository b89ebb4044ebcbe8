import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GoalsPage } from "~/admin/goals/goals-page";
import { goalsPageAction, goalsPageData } from "~/admin/goals/goals-page.server";

export const loader = ({ request }: LoaderFunctionArgs) => goalsPageData(request);

export const action = ({ request }: ActionFunctionArgs) => goalsPageAction(request);

export default function GoalsRoute() {
  return <GoalsPage {...useLoaderData<typeof loader>()} />;
}
