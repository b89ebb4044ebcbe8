export const SHOPPER_LANGUAGES = ["en", "fr", "de", "es", "it", "nl", "pt-BR", "ja"] as const;
export type ShopperLanguage = (typeof SHOPPER_LANGUAGES)[number];
