// The entry esbuild bundles into assets/tally-round-up.js (scripts/build-theme-extension.ts).
import { bootGiving } from "./round-up";

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => bootGiving());
else bootGiving();
// The theme editor re-renders a section when the merchant edits it.
document.addEventListener("shopify:section:load", () => bootGiving());
