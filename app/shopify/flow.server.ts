import type { AdminGateway } from "./admin-gateway.server";
import { adminOperation } from "./operation";

const FlowTriggerReceive = adminOperation(`#graphql
  mutation FlowTriggerReceive($handle: String!, $payload: JSON!) {
    flowTriggerReceive(handle: $handle, payload: $payload) {
      userErrors { field message }
    }
  }
`);

/** Starts the shop's workflows that begin with the trigger (`customer_id` names the customer). */
export async function fireFlowTrigger(admin: AdminGateway, handle: string, payload: Record<string, unknown>) {
  await admin.mutate(FlowTriggerReceive, { handle, payload }, (data) => data.flowTriggerReceive);
}
