import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { adminProgram } from "~/admin/common/admin-context.server";
import { MembersPage } from "~/admin/members/members-page";
import prisma from "~/db.server";
import { onlyMethods } from "~/http/methods.server";
import { listMembers, listMembersOptionsSchema, MemberListRequestError } from "~/loyalty/members/list.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop, program } = await adminProgram(request);
  const options = listMembersOptionsSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!options.success) throw Response.json({ error: "invalid_list_options" }, { status: 400 });
  try {
    const page = await listMembers(prisma, shop.id, options.data);
    const tierNames = Object.fromEntries(program.tiers.levels.map((level) => [level.id, level.name]));
    return { ...page, tierNames, options: options.data };
  } catch (error) {
    if (error instanceof MemberListRequestError) throw Response.json({ error: error.message }, { status: 400 });
    throw error;
  }
}

export default function MembersRoute() {
  return <MembersPage {...useLoaderData<typeof loader>()} />;
}

/** Read-only: other methods get 405. */
export const action = onlyMethods("GET");
