import type { LoaderFunctionArgs } from "@remix-run/node";
import { surveyExport } from "~/admin/surveys/surveys-page.server";
import { onlyMethods } from "~/http/methods.server";

/** GET /app/export/surveys/<id>: a survey's answers as CSV, one row per answer. */
export const loader = ({ request, params }: LoaderFunctionArgs) => surveyExport(request, params.surveyId ?? "");

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
