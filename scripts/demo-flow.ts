// `npm run demo:flow -- <action> [customerId] [...]`: Shopify Flow running one of Tally's actions
// on the running demo, its request signed as Flow signs it (sandbox/flow-actions.ts):
//   award-points <customerId> <points> <reason…>   (or: award-points <customerId> <action key>)
//   deduct-points <customerId> <points> <reason…>
//   give-reward <customerId> <rewardId>
//   set-tier <customerId> <tier> <until: YYYY-MM-DD>
// `--run=<id>` sends a given action run id again (Flow resending a run: it is done once).
import { demoAddress, fetchFromDemo } from "../sandbox/demo-address";
import { flowActionRequest } from "../sandbox/flow-actions";
import { SANDBOX, SANDBOX_CUSTOMERS } from "../sandbox/sandbox-shop";

const args = process.argv.slice(2).filter((arg) => !arg.startsWith("--run="));
const actionRunId = process.argv.find((arg) => arg.startsWith("--run="))?.slice("--run=".length);
const [action = "award-points", customer = String(SANDBOX_CUSTOMERS[0]!.id), ...rest] = args;
const customer_id = customer;

function properties(): { handle: string; properties: Record<string, unknown> } {
  switch (action) {
    case "award-points": {
      const [first = "50", ...words] = rest;
      return /^\d+$/.test(first)
        ? {
            handle: "tally-award-points",
            properties: { customer_id, points: Number(first), reason: words.join(" ") || "Flow demo" },
          }
        : { handle: "tally-award-points", properties: { customer_id, action: first } };
    }
    case "deduct-points": {
      const [points = "10", ...words] = rest;
      return {
        handle: "tally-deduct-points",
        properties: { customer_id, points: Number(points), reason: words.join(" ") || "Flow demo" },
      };
    }
    case "give-reward":
      return { handle: "tally-give-reward", properties: { customer_id, reward: rest[0] ?? "1-off" } };
    case "set-tier":
      return {
        handle: "tally-set-vip-tier",
        properties: {
          customer_id,
          tier: rest[0] ?? "Gold",
          until: rest[1] ?? new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
        },
      };
    default:
      console.error(`Unknown action "${action}": award-points, deduct-points, give-reward or set-tier.`);
      process.exit(2);
  }
}

const { handle, properties: props } = properties();
const request = flowActionRequest(
  demoAddress(),
  { shop: SANDBOX.shop, handle, properties: props, actionRunId },
  SANDBOX.apiSecret,
);
const response = await fetchFromDemo(request.url, request.init);
console.log(
  `Flow ran "${handle}" (action run ${request.actionRunId}) for customer ${customer_id} → ${response.status}`,
);
console.log(JSON.stringify(await response.json(), null, 2));
