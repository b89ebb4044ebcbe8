-- The shop's primary language, one of app/languages.ts SHOPPER_LANGUAGES: Flow payload texts are in it.
-- A new column whose every row holds the default: the CHECK validates at once.
ALTER TABLE "Shop" ADD COLUMN "language" TEXT NOT NULL DEFAULT 'en',
  ADD CONSTRAINT "Shop_language_check" CHECK ("language" IN ('en', 'fr', 'de', 'es', 'it', 'nl', 'pt-BR', 'ja'));
