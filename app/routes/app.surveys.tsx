import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { SurveysPage } from "~/admin/surveys/surveys-page";
import { surveysPageAction, surveysPageData } from "~/admin/surveys/surveys-page.server";

export const loader = ({ request }: LoaderFunctionArgs) => surveysPageData(request);

export const action = ({ request }: ActionFunctionArgs) => surveysPageAction(request);

export default function SurveysRoute() {
  return <SurveysPage {...useLoaderData<typeof loader>()} />;
}
