import { ApiVersion } from "@shopify/shopify-api";

/**
 * The Admin API version Tally is built and tested against. Keep it equal to `api_version` in
 * shopify.app.toml; the schema test validates every operation against this version's schema.
 */
export const ADMIN_API_VERSION = ApiVersion.July26;
