/** @jsxImportSource preact */
// Types the Polaris web components (`s-*`) for every target, and gives `shopify`'s values signals.
import "@shopify/ui-extensions/preact";
import { render, type VNode } from "preact";

/**
 * A target module's default export: the host calls it once (the CLI registers it with
 * `shopify.extend`) and the target's component renders into its document.
 */
export const renderTarget = (view: () => VNode) => async () => {
  render(view(), document.body);
};
