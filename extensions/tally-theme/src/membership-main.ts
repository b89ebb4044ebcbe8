// The entry esbuild bundles into assets/tally-membership.js (scripts/build-theme-extension.ts).
import { on } from "./tally";
import { bootMembership } from "./membership";

if (document.readyState === "loading") on(document, "DOMContentLoaded", () => bootMembership());
else bootMembership();
// The theme editor re-renders a section when the merchant edits it.
on(document, "shopify:section:load", () => bootMembership());
