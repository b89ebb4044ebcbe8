import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { RoiPage } from "~/admin/roi/roi-page";
import { roiPageData } from "~/admin/roi/roi-page.server";
import { onlyMethods } from "~/http/methods.server";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];

export const loader = ({ request }: LoaderFunctionArgs) => roiPageData(request);

export default function RoiRoute() {
  return <RoiPage {...useLoaderData<typeof loader>()} />;
}

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
