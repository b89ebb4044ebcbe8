import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { adminProgram, shopCurrencyCode } from "~/admin/common/admin-context.server";
import { saveProgramFromPage } from "~/admin/common/program-save.server";
import { ProgramSettings } from "~/admin/program/program-settings";

export async function loader({ request }: LoaderFunctionArgs) {
  const { program, revision, session } = await adminProgram(request);
  return { program, revision, currencyCode: await shopCurrencyCode(session) };
}

export const action = ({ request }: ActionFunctionArgs) => saveProgramFromPage(request);

export default function ProgramRoute() {
  return <ProgramSettings {...useLoaderData<typeof loader>()} />;
}
