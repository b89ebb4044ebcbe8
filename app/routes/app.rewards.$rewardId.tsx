import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { adminProgram, shopCurrencyCode } from "~/admin/common/admin-context.server";
import { saveProgramFromPage } from "~/admin/common/program-save.server";
import { RewardEditor } from "~/admin/rewards/reward-editor";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { program, revision, session } = await adminProgram(request);
  if (params.rewardId !== "new" && !program.rewards.some((reward) => reward.id === params.rewardId)) {
    throw new Response("Not Found", { status: 404 });
  }
  return { program, revision, currencyCode: await shopCurrencyCode(session) };
}

export const action = ({ request }: ActionFunctionArgs) => saveProgramFromPage(request, ["reward"]);

export default function RewardRoute() {
  return <RewardEditor {...useLoaderData<typeof loader>()} />;
}
