// The entry esbuild bundles into assets/tally-notice.js (scripts/build-theme-extension.ts).
import { on } from "./tally";
import { bootNotices } from "./notice";

if (document.readyState === "loading") on(document, "DOMContentLoaded", () => bootNotices());
else bootNotices();
// The theme editor re-renders a section when the merchant edits it.
on(document, "shopify:section:load", () => bootNotices());
