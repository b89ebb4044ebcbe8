// The entry esbuild bundles into assets/tally.js (scripts/build-theme-extension.ts).
import { boot, loadMember, mark, on } from "./tally";

// tally-claim.js (the claims list) shares this page's one GET /member.
(document as Document & { tally?: typeof loadMember }).tally = loadMember;

function start() {
  mark("start");
  boot();
  performance.measure("tally:boot", "tally:start");
}
// The launcher at once (Shopify defers this script: the page is parsed): it reads nothing before the
// shopper opens it, which they may do while the page still loads. The blocks, which read the App
// Proxy as they start, after the page's load event, when the browser is idle: their requests never
// compete with the store's own content for its largest paint.
boot(document, "=launcher");
const later = () => (self.requestIdleCallback || setTimeout)(start);
if (document.readyState == "complete") later();
else on(self, "load", later);
// The theme editor re-renders a section when the merchant edits it.
on(document, "shopify:section:load", () => boot());
