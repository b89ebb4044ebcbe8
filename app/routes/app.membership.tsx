import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import polarisVizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { MembershipPage } from "~/admin/membership/membership-page";
import { membershipPageAction, membershipPageData } from "~/admin/membership/membership-page.server";

export const links = () => [{ rel: "stylesheet", href: polarisVizStyles }];

export const loader = ({ request }: LoaderFunctionArgs) => membershipPageData(request);

export const action = ({ request }: ActionFunctionArgs) => membershipPageAction(request);

export default function MembershipRoute() {
  return <MembershipPage {...useLoaderData<typeof loader>()} />;
}
