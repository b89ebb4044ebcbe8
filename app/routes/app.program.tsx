import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { adminProgram, shopCurrencyCode, shopSegments } from "~/admin/common/admin-context.server";
import { saveProgramFromPage } from "~/admin/common/program-save.server";
import { ProgramSettings } from "~/admin/program/program-settings";

export async function loader({ request }: LoaderFunctionArgs) {
  const { program, revision, session } = await adminProgram(request);
  const [currencyCode, segments] = await Promise.all([
    shopCurrencyCode(session),
    // Bonus events can be limited to a segment.
    shopSegments(session),
  ]);
  return { program, revision, currencyCode, segments };
}

export const action = ({ request }: ActionFunctionArgs) => saveProgramFromPage(request);

export default function ProgramRoute() {
  return <ProgramSettings {...useLoaderData<typeof loader>()} />;
}
