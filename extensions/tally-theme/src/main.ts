// The entry esbuild bundles into assets/tally.js (scripts/build-theme-extension.ts).
import { boot } from "./tally";

function start() {
  performance.mark("tally:start");
  boot();
  performance.measure("tally:boot", "tally:start");
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
// The theme editor re-renders a section when the merchant edits it.
document.addEventListener("shopify:section:load", () => boot());
