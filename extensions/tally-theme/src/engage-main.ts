// The entry esbuild bundles into assets/tally-engage.js (scripts/build-theme-extension.ts).
import { on } from "./tally";
import { bootEngage } from "./engage";

if (document.readyState === "loading") on(document, "DOMContentLoaded", () => bootEngage());
else bootEngage();
// The theme editor re-renders a section when the merchant edits it.
on(document, "shopify:section:load", () => bootEngage());
