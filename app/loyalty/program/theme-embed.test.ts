import { describe, expect, it } from "vitest";
import { tallyEmbedEnabled } from "./theme-embed";

const HEADER = `/*
 * ------------------------------------------------------------
 * IMPORTANT: The contents of this file are auto-generated.
 *
 * This file may be updated by the Shopify admin theme editor
 * or related systems. Please exercise caution as any changes
 * made to this file may be overwritten.
 * ------------------------------------------------------------
 */
`;

const REVIEWS_EMBED = {
  type: "shopify://apps/judge-me-reviews/blocks/judgeme_core/61ccd3b1-a9f2-4160-9fe9-4fec8413e5d8",
  disabled: false,
  settings: {},
};
const tallyEmbed = (disabled: boolean) => ({
  type: "shopify://apps/tally-loyalty/blocks/tally-launcher/0f8c2a5e-7b1d-4c3e-9a6f-2d5e8b1c4f70",
  disabled,
  settings: { position: "bottom-right", accent: "#1a1a1a" },
});

/** A Dawn `config/settings_data.json` as the theme editor leaves it, with these app embeds. */
function dawnSettingsData(blocks: Record<string, unknown>, header = HEADER) {
  const settings = {
    current: {
      logo_width: 90,
      type_header_font: "assistant_n4",
      "// not a comment": "a URL: https://example.com/*/path",
      sections: { header: { type: "header", settings: { logo_position: "middle-left" } } },
      content_for_index: [],
      blocks,
    },
    presets: { Default: { logo_width: 90 } },
  };
  return header + JSON.stringify(settings, null, 2);
}

describe("is Tally's app embed on in the theme?", () => {
  it("is on when the theme's blocks hold Tally's launcher, not disabled, after the generated-file comment", () => {
    expect(tallyEmbedEnabled(dawnSettingsData({ "4567890123456789012": tallyEmbed(false) }))).toBe(true);
  });

  it("is off when the merchant switched it off in the theme editor", () => {
    expect(tallyEmbedEnabled(dawnSettingsData({ "4567890123456789012": tallyEmbed(true) }))).toBe(false);
  });

  it("is off when the theme never had it (only other apps' embeds, or no blocks at all)", () => {
    expect(tallyEmbedEnabled(dawnSettingsData({ "1234": REVIEWS_EMBED }))).toBe(false);
    expect(tallyEmbedEnabled(HEADER + JSON.stringify({ current: { logo_width: 90 } }))).toBe(false);
  });

  it("finds Tally's embed among other apps' embeds, whichever app handle the app was installed under", () => {
    const other = { ...tallyEmbed(false), type: tallyEmbed(false).type.replace("tally-loyalty", "tally-dev-7") };
    expect(tallyEmbedEnabled(dawnSettingsData({ "1": REVIEWS_EMBED, "2": other }))).toBe(true);
  });

  it("does not mistake another app's block or a block of a similar name for Tally's", () => {
    const lookalike = { ...REVIEWS_EMBED, type: "shopify://apps/other/blocks/tally-launcher-v2/61ccd3b1" };
    expect(tallyEmbedEnabled(dawnSettingsData({ "1": REVIEWS_EMBED, "2": lookalike }))).toBe(false);
  });

  it("reads a file without the header, and an old theme whose current settings name a preset", () => {
    expect(tallyEmbedEnabled(dawnSettingsData({ "1": tallyEmbed(false) }, ""))).toBe(true);
    const preset = { current: "Minimal", presets: { Minimal: { blocks: { "1": tallyEmbed(false) } } } };
    expect(tallyEmbedEnabled(`// Generated\n${JSON.stringify(preset)}`)).toBe(true);
  });

  it("refuses a file that is not theme settings rather than guessing", () => {
    expect(() => tallyEmbedEnabled("<html>Not found</html>")).toThrow();
    expect(() => tallyEmbedEnabled(JSON.stringify({ presets: {} }))).toThrow();
  });
});
