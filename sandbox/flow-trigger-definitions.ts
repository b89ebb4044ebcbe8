import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { PROJECT_ROOT } from "./admin-schema";

export interface FlowTriggerDefinition {
  handle: string;
  name: string;
  fields: { type: string; key?: string }[];
}

interface ExtensionToml {
  extensions?: { type?: string; handle?: string; name?: string }[];
  settings?: { fields?: { type: string; key?: string }[] };
}

/** The app's flow_trigger extensions as deployed: what Flow knows of Tally's triggers. */
export function loadFlowTriggerDefinitions(root = PROJECT_ROOT): FlowTriggerDefinition[] {
  const dir = path.join(root, "extensions");
  const definitions: FlowTriggerDefinition[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name, "shopify.extension.toml");
    // Folders without a TOML (code shared between extensions) are not extensions.
    if (!entry.isDirectory() || !existsSync(file)) continue;
    const config = parse(readFileSync(file, "utf8")) as ExtensionToml;
    const extension = config.extensions?.[0];
    if (extension?.type !== "flow_trigger") continue;
    definitions.push({ handle: extension.handle!, name: extension.name!, fields: config.settings?.fields ?? [] });
  }
  return definitions;
}

const REFERENCE_KEYS: Record<string, string> = {
  customer_reference: "customer_id",
  order_reference: "order_id",
  product_reference: "product_id",
};

/** What Flow would refuse in a flowTriggerReceive payload for this trigger (empty: accepted). */
export function flowPayloadErrors(definition: FlowTriggerDefinition, payload: Record<string, unknown>): string[] {
  const errors: string[] = [];
  if (Buffer.byteLength(JSON.stringify(payload)) >= 50_000) errors.push("Payload must be under 50000 bytes");
  for (const field of definition.fields) {
    const key = REFERENCE_KEYS[field.type] ?? field.key!;
    const value = payload[key];
    const ok =
      field.type in REFERENCE_KEYS || field.type.startsWith("number_")
        ? typeof value === "number" && Number.isFinite(value)
        : field.type === "boolean"
          ? typeof value === "boolean"
          : typeof value === "string";
    if (!ok) errors.push(`Field '${key}' is missing or is not a ${field.type}`);
  }
  return errors;
}
