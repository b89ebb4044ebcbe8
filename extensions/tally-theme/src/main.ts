// The entry esbuild bundles into assets/tally.js (scripts/build-theme-extension.ts).
import { boot, on } from "./tally";

function start() {
  performance.mark("tally:start");
  boot();
  performance.measure("tally:boot", "tally:start");
}
if (document.readyState === "loading") on(document, "DOMContentLoaded", start);
else start();
// The theme editor re-renders a section when the merchant edits it.
on(document, "shopify:section:load", () => boot());
