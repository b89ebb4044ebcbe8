import { z } from "zod";
import { THEME_APP_EMBED_HANDLE } from "~/shopify/theme-editor";

/** What the home page learned of Tally's app embed in the published theme. */
export type ThemeEmbedCheck =
  | { status: "on"; themeName: string }
  | { status: "off"; themeName: string }
  /** Shopify did not answer, or the theme's settings could not be read: we say so rather than guess. */
  | { status: "unknown" };

const appBlock = z.object({ type: z.string(), disabled: z.boolean().optional() });
const themeSettings = z.object({ blocks: z.record(z.string(), z.unknown()).optional() });
const settingsData = z.object({
  // Old themes name a preset as the current settings instead of holding them.
  current: z.union([themeSettings, z.string()]),
  presets: z.record(z.string(), themeSettings).optional(),
});

/** An app embed's type: `shopify://apps/<app handle>/blocks/<block handle>/<extension uuid>`. */
const TALLY_EMBED_TYPE = new RegExp(`^shopify://apps/[^/]+/blocks/${THEME_APP_EMBED_HANDLE}/[^/]+$`);

/**
 * Whether a theme's `config/settings_data.json` has Tally's app embed switched on: present under
 * the current settings' blocks and not disabled. Throws when the file is not settings JSON.
 */
export function tallyEmbedEnabled(settingsDataJson: string): boolean {
  const data = settingsData.parse(JSON.parse(withoutComments(settingsDataJson)));
  const current = typeof data.current === "string" ? data.presets?.[data.current] : data.current;
  return Object.values(current?.blocks ?? {}).some((block) => {
    const parsed = appBlock.safeParse(block);
    return parsed.success && TALLY_EMBED_TYPE.test(parsed.data.type) && parsed.data.disabled !== true;
  });
}

/**
 * JSON with comments as Shopify writes theme settings (a `/* … *\/` header saying the file is
 * generated) made plain JSON; comment marks inside strings are kept.
 */
function withoutComments(text: string): string {
  return text.replace(
    /("(?:[^"\\]|\\.)*")|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g,
    (match, string: string | undefined) => string ?? "",
  );
}
