/** Tally's app embed in the sandbox shop's published theme: switched on, switched off, or never added. */
export type SandboxAppEmbed = "on" | "off" | "absent";

/** The type Shopify gives an app embed in settings_data.json: the app's handle, the block's, the extension's uuid. */
const TALLY_EMBED_TYPE = "shopify://apps/tally-loyalty/blocks/tally-launcher/6b1f3c2e-4a5d-4e7f-9c8b-0d2a1e3f4b5c";
const REVIEWS_EMBED_TYPE = "shopify://apps/judge-me-reviews/blocks/judgeme_core/61ccd3b1-a9f2-4160-9fe9-4fec8413e5d8";

/**
 * A Dawn theme's `config/settings_data.json` as the theme editor writes it — the generated-file
 * comment first, then JSON — with another app's embed and Tally's as asked.
 */
export function themeSettingsData(tallyEmbed: SandboxAppEmbed): string {
  const blocks: Record<string, unknown> = {
    "16842009428836513279": { type: REVIEWS_EMBED_TYPE, disabled: false, settings: {} },
  };
  if (tallyEmbed !== "absent") {
    blocks["9307745136471856602"] = { type: TALLY_EMBED_TYPE, disabled: tallyEmbed === "off", settings: {} };
  }
  const settings = {
    current: {
      logo_width: 90,
      type_header_font: "assistant_n4",
      type_body_font: "assistant_n4",
      sections: { header: { type: "header", settings: { logo_position: "middle-left", menu: "main-menu" } } },
      content_for_index: [],
      blocks,
    },
    presets: { Default: { logo_width: 90 } },
  };
  return `/*
 * ------------------------------------------------------------
 * IMPORTANT: The contents of this file are auto-generated.
 *
 * This file may be updated by the Shopify admin theme editor
 * or related systems. Please exercise caution as any changes
 * made to this file may be overwritten.
 * ------------------------------------------------------------
 */
${JSON.stringify(settings, null, 2)}
`;
}
