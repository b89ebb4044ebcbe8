import type { Api } from "@shopify/ui-extensions/pos.customer-details.block.render";
import { perkLines } from "../../shared/perks";
import { TallyError } from "../../shared/tally-api";
import type { PosMember } from "./pos-api";

type I18n = Api["i18n"];

/** "1 point" / "1,200 points", in the POS's language. */
export const pointsText = (i18n: I18n, points: number) =>
  i18n.translate("points", { count: points, points: i18n.formatNumber(points) });

/** What went wrong reading Tally: the user logged into POS may lack access to the app, or Tally is unreachable. */
export const problemKey = (error: unknown) =>
  error instanceof TallyError && error.status === 403 ? "noAccess" : "loadFailed";

/** The tier's perks as sentences ("Gold: 10% off everything, applied at checkout"), worded as checkout words them. */
export const perkTexts = (member: PosMember, i18n: I18n) => perkLines(member, i18n);

/** What one reads of a member, or why there is nothing to read. */
export type Loaded<T> = { status: "loading" } | { status: "ready"; value: T } | { status: "problem"; key: string };
