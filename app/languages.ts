export const SHOPPER_LANGUAGES = ["en", "fr", "de", "es", "it", "nl", "pt-BR", "ja"];
