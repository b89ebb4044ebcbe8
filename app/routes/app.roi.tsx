import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { saveProgramFromPage } from "~/admin/common/program-save.server";
import { RoiPage } from "~/admin/roi/roi-page";
import { roiPageData } from "~/admin/roi/roi-page.server";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];

export const loader = ({ request }: LoaderFunctionArgs) => roiPageData(request);

/** The holdout card's Save: the program document, validated by the program's schema. */
export const action = ({ request }: ActionFunctionArgs) => saveProgramFromPage(request);

export default function RoiRoute() {
  return <RoiPage {...useLoaderData<typeof loader>()} />;
}
