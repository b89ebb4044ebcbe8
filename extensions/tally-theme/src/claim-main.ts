// The entry esbuild bundles into assets/tally-claim.js (scripts/build-theme-extension.ts).
import { on } from "./tally";
import { bootClaims } from "./claim";

if (document.readyState === "loading") on(document, "DOMContentLoaded", () => bootClaims());
else bootClaims();
// The theme editor re-renders a section when the merchant edits it.
on(document, "shopify:section:load", () => bootClaims());
