import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { SurveyResultsPage } from "~/admin/surveys/survey-results";
import { surveyResultsData } from "~/admin/surveys/surveys-page.server";
import { onlyMethods } from "~/http/methods.server";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];

export const loader = ({ request, params }: LoaderFunctionArgs) => surveyResultsData(request, params.surveyId ?? "");

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");

export default function SurveyResultsRoute() {
  return <SurveyResultsPage {...useLoaderData<typeof loader>()} />;
}
