import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { adminProgram } from "~/admin/common/admin-context.server";
import { saveProgramFromPage } from "~/admin/common/program-save.server";
import { TiersPage } from "~/admin/tiers/tiers-page";
import prisma from "~/db.server";
import { tierPerkStatuses } from "~/loyalty/tiers/perks.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop, program, revision } = await adminProgram(request);
  const perkStatuses = await tierPerkStatuses(prisma, { ...shop, program, programRevision: revision });
  return { program, revision, perkStatuses };
}

export const action = ({ request }: ActionFunctionArgs) => saveProgramFromPage(request);

export default function TiersRoute() {
  return <TiersPage {...useLoaderData<typeof loader>()} />;
}
