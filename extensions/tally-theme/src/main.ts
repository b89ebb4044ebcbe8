// The entry esbuild bundles into assets/tally.js (scripts/build-theme-extension.ts).
import { boot, loadMember, on } from "./tally";

// tally-claim.js (the claims list) shares this page's one GET /member.
(document as Document & { tally?: typeof loadMember }).tally = loadMember;

function start() {
  performance.mark("tally:start");
  boot();
  performance.measure("tally:boot", "tally:start");
}
if (document.readyState === "loading") on(document, "DOMContentLoaded", start);
else start();
// The theme editor re-renders a section when the merchant edits it.
on(document, "shopify:section:load", () => boot());
