import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { adminProgram } from "~/admin/common/admin-context.server";
import { saveProgramFromPage } from "~/admin/common/program-save.server";
import { ChallengesPage } from "~/admin/challenges/challenges-page";
import prisma from "~/db.server";
import { engagementCounts } from "~/loyalty/engagement/view.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { program, revision, shop } = await adminProgram(request);
  return { program, revision, counts: await engagementCounts(prisma, shop.id) };
}

export const action = ({ request }: ActionFunctionArgs) => saveProgramFromPage(request);

export default function ChallengesRoute() {
  return <ChallengesPage {...useLoaderData<typeof loader>()} />;
}
