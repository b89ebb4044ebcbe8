import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { PROJECT_ROOT } from "./admin-schema";
import { webhookHmac } from "./signing";

/**
 * The sandbox plays Shopify Flow running Tally's actions: the `flow_action` extensions as
 * deployed, the rules Shopify CLI applies to their fields when it deploys them, and an action run
 * posted to the runtime URL exactly as Flow documents it (shopify.dev, "Create Flow action
 * endpoints": the body and its `X-Shopify-Hmac-Sha256`, signed with the app's secret).
 */

export interface FlowActionField {
  type: string;
  key?: string;
  name?: string;
  description?: string;
  required?: boolean;
}

export interface FlowActionDefinition {
  handle: string;
  name: string;
  description?: string;
  runtimeUrl: string;
  fields: FlowActionField[];
}

interface ExtensionToml {
  extensions?: { type?: string; handle?: string; name?: string; description?: string; runtime_url?: string }[];
  settings?: { fields?: FlowActionField[] };
}

/** The app's flow_action extensions: what Flow knows of Tally's actions. */
export function loadFlowActionDefinitions(root = PROJECT_ROOT): FlowActionDefinition[] {
  const dir = path.join(root, "extensions");
  const definitions: FlowActionDefinition[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name, "shopify.extension.toml");
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const config = parse(readFileSync(file, "utf8")) as ExtensionToml;
    const extension = config.extensions?.[0];
    if (extension?.type !== "flow_action") continue;
    definitions.push({
      handle: extension.handle!,
      name: extension.name!,
      description: extension.description,
      runtimeUrl: extension.runtime_url!,
      fields: config.settings?.fields ?? [],
    });
  }
  return definitions;
}

/** Commerce objects an action field may reference (Shopify CLI 4.8, flow_action). */
const ACTION_REFERENCES = [
  "customer_reference",
  "order_reference",
  "product_reference",
  "company_reference",
  "company_contact_reference",
];
/** Other field types an action may have (Shopify CLI 4.8: Flow has no date type for actions). */
const ACTION_FIELD_TYPES = [
  "boolean",
  "email",
  "multi_line_text_field",
  "number_integer",
  "single_line_text_field",
  "url",
  "number_decimal",
];
const FIELD_PROPERTIES = new Set(["type", "key", "name", "description", "required"]);

/**
 * What Shopify CLI refuses in an action's definition when it deploys it (its flow_action schema):
 * a handle over 30 characters or with other than letters, digits and -, a runtime URL neither
 * absolute https nor a single-slash path, an unsupported field type, a non-reference field
 * without a key or a name, a field property Flow does not know. Empty: accepted.
 */
export function flowActionDefinitionErrors(definition: FlowActionDefinition): string[] {
  const errors: string[] = [];
  if (!/^[A-Za-z0-9-]{1,30}$/.test(definition.handle)) errors.push(`handle "${definition.handle}"`);
  const url = definition.runtimeUrl;
  if (!(/^https:\/\/\S+$/.test(url) || /^\/(?!\/)\S*$/.test(url))) errors.push(`runtime_url "${url}"`);
  const keys = new Set<string>();
  definition.fields.forEach((field, index) => {
    const where = `field[${index}]`;
    for (const property of Object.keys(field))
      if (!FIELD_PROPERTIES.has(property)) errors.push(`${where}: unknown property ${property}`);
    if (field.required !== undefined && typeof field.required !== "boolean") errors.push(`${where}: required`);
    if (field.type.endsWith("_reference")) {
      if (!ACTION_REFERENCES.includes(field.type)) errors.push(`${where}: reference ${field.type}`);
      return;
    }
    if (!ACTION_FIELD_TYPES.includes(field.type)) errors.push(`${where}: type ${field.type}`);
    if (typeof field.key !== "string" || !field.key) errors.push(`${where}: key`);
    if (typeof field.name !== "string" || !field.name) errors.push(`${where}: name`);
    if (field.key && keys.has(field.key)) errors.push(`${where}: duplicate key ${field.key}`);
    if (field.key) keys.add(field.key);
  });
  return errors;
}

export interface FlowActionRun {
  shop: string;
  handle: string;
  /** The action's fields by key; a customer reference as `customer_id`. */
  properties: Record<string, unknown>;
  /** Flow's id for this run of the action; a resent run carries the same one. */
  actionRunId?: string;
}

/**
 * The POST Flow sends to an action's runtime URL when a workflow runs it: JSON with the shop,
 * the run's id, the action's definition and handle, and its properties (with the step's
 * reference, as Flow adds it), signed like a webhook with the app's secret.
 */
export function flowActionRequest(
  appUrl: string,
  run: FlowActionRun,
  apiSecret: string,
  definitions = loadFlowActionDefinitions(),
): { url: string; init: RequestInit & { headers: Record<string, string> }; body: string; actionRunId: string } {
  const definition = definitions.find((candidate) => candidate.handle === run.handle);
  if (!definition) throw new Error(`no flow_action extension "${run.handle}"`);
  const actionRunId = run.actionRunId ?? randomUUID();
  const body = JSON.stringify({
    shop_id: "690933842",
    shopify_domain: run.shop,
    action_run_id: actionRunId,
    action_definition_id: definition.name,
    handle: definition.handle,
    properties: { ...run.properties, step_reference: randomUUID() },
  });
  const url = definition.runtimeUrl.startsWith("/") ? `${appUrl}${definition.runtimeUrl}` : definition.runtimeUrl;
  return {
    url,
    body,
    actionRunId,
    init: {
      method: "POST",
      body,
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Shopify-Flow",
        "X-Shopify-Hmac-Sha256": webhookHmac(body, apiSecret),
      },
    },
  };
}

/** Runs one action as Flow would and returns Tally's answer. */
export async function runFlowAction(
  appUrl: string,
  run: FlowActionRun,
  apiSecret: string,
): Promise<{ status: number; body: Record<string, unknown>; actionRunId: string }> {
  const request = flowActionRequest(appUrl, run, apiSecret);
  const response = await fetch(request.url, request.init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, actionRunId: request.actionRunId };
}
