import { requireMethod } from "../app/http/methods.server";
import { SANDBOX_THEME_EDITOR_PATH, THEME_APP_EMBED_HANDLE } from "../app/shopify/theme-editor";
import type { AdminApiDouble } from "./admin-api-double";
import { requireSandbox } from "./storefront/preview";

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/**
 * `/sandbox/theme-editor`: the theme editor's app embeds panel for the sandbox shop's published
 * theme (in the Admin API double). Like Shopify's, the checklist's deep link
 * (`?activateAppId=<api key>/tally-launcher`) opens it with Tally's embed switched on, not yet saved.
 */
export function themeEditorPage(double: AdminApiDouble | undefined, request: Request): Response {
  const theme = sandboxTheme(double);
  const url = new URL(request.url);
  const activating = url.searchParams.get("activateAppId")?.endsWith(`/${THEME_APP_EMBED_HANDLE}`) ?? false;
  const on = activating || theme.tallyEmbed === "on";
  const note = url.searchParams.has("saved")
    ? "Saved. Back in Tally, the checklist sees it."
    : activating && theme.tallyEmbed !== "on"
      ? "Tally's widget is switched on here: save to publish it."
      : "";
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Theme editor (sandbox)</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto">
  <h1>Customize “${escapeHtml(theme.name)}” (sandbox theme editor)</h1>
  <form method="post" action="${SANDBOX_THEME_EDITOR_PATH}">
    <h2>App embeds</h2>
    <label><input type="checkbox" name="tally" value="on"${on ? " checked" : ""}> Tally loyalty widget</label>
    <p><button type="submit">Save</button></p>
  </form>
  <p role="status">${note}</p>
</body></html>`;
  return new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

/** Saving the theme editor: Tally's app embed on or off in the published theme's settings_data.json. */
export async function themeEditorSave(double: AdminApiDouble | undefined, request: Request): Promise<Response> {
  requireMethod(request, "GET", "POST");
  sandboxTheme(double);
  const form = await request.formData();
  double!.setAppEmbed(requireSandbox(), form.get("tally") === "on" ? "on" : "off");
  return new Response(null, { status: 303, headers: { Location: `${SANDBOX_THEME_EDITOR_PATH}?saved=1` } });
}

function sandboxTheme(double: AdminApiDouble | undefined) {
  const shop = requireSandbox();
  if (!double) throw new Response("Not Found", { status: 404 });
  try {
    return double.shop(shop).mainTheme;
  } catch {
    throw new Response("Not Found", { status: 404 });
  }
}
