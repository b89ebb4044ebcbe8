import { bodyLimitsByPath } from "./http/body-limits.server";
import { MAX_CAMPAIGN_BODY_BYTES } from "./loyalty/campaigns/campaigns";
import { MAX_IMPORT_BYTES } from "./loyalty/members/import";
import { MAX_PROGRAM_BYTES } from "./loyalty/program/program";

const KB = 1024;
const MB = 1024 * KB;

// Larger bodies only where Shopify or the merchant legitimately sends them. The import upload
// is the CSV inside a JSON string: escaping can double it, plus room for the other fields.
export const bodyLimitFor = bodyLimitsByPath([
  // A Flow action run is a handful of fields: far less than the default.
  { pathPrefix: "/flow/", bytes: 64 * KB },
  // A shopper's claim is one action key: nothing larger is ever needed.
  { pathPrefix: "/proxy/actions/claim", bytes: 1 * KB },
  { pathPrefix: "/api/extension/actions/claim", bytes: 1 * KB },
  // Joining the leaderboard is a flag and a nickname of 20 characters.
  { pathPrefix: "/proxy/leaderboard", bytes: 1 * KB },
  { pathPrefix: "/api/extension/leaderboard", bytes: 1 * KB },
  { pathPrefix: "/webhooks/", bytes: 5 * MB },
  { pathPrefix: "/app/import", bytes: 2 * MAX_IMPORT_BYTES + 64 * KB },
  // A program over its size bound gets through to be told so (422), within reason.
  { pathPrefix: "/api/program", bytes: 2 * MAX_PROGRAM_BYTES },
  { pathPrefix: "/app/program", bytes: 2 * MAX_PROGRAM_BYTES },
  // A campaign's pasted list: up to 10,000 emails (docs/campaigns.md); a shopper's "seen" is an empty POST.
  { pathPrefix: "/api/campaigns", bytes: MAX_CAMPAIGN_BODY_BYTES },
  { pathPrefix: "/app/campaigns", bytes: MAX_CAMPAIGN_BODY_BYTES },
  { pathPrefix: "/proxy/surprises/", bytes: 1 * KB },
  // Giving points is a cause id and a number.
  { pathPrefix: "/proxy/donations", bytes: 1 * KB },
  { pathPrefix: "/api/extension/donations", bytes: 1 * KB },
  { pathPrefix: "/api/extension/surprises/", bytes: 1 * KB },
  // A partner's earn request is a few hundred bytes (docs/partners.md).
  { pathPrefix: "/api/partners/", bytes: 8 * KB },
]);
