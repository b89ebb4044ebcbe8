import type { AdminGateway } from "./admin-gateway.server";
import { adminOperation } from "./operation";

const MainThemeSettingsQuery = adminOperation(`#graphql
  query MainThemeSettings {
    themes(roles: [MAIN], first: 1) {
      nodes {
        name
        files(filenames: ["config/settings_data.json"], first: 1) {
          nodes {
            body {
              ... on OnlineStoreThemeFileBodyText {
                content
              }
            }
          }
        }
      }
    }
  }
`);

/** The published theme's name and its `config/settings_data.json` (null when Shopify has no text for it). */
export interface MainThemeSettings {
  name: string;
  settingsData: string | null;
}

/** The published (MAIN) theme's settings, where the theme editor records which app embeds are on; null without one. */
export async function fetchMainThemeSettings(admin: AdminGateway): Promise<MainThemeSettings | null> {
  const { themes } = await admin.request(MainThemeSettingsQuery);
  const theme = themes?.nodes[0];
  if (!theme) return null;
  const body = theme.files?.nodes[0]?.body;
  return { name: theme.name, settingsData: body && "content" in body ? body.content : null };
}
