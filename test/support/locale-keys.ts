/**
 * What a translation lacks or adds against the English file it translates: the comparison behind
 * test/locales.test.ts. Strings are compared by key (dotted path) and by their placeholders,
 * `{name}` (the theme script's) and `{{name}}` (Liquid's `t`, UI extensions' `i18n.translate`,
 * i18next). Plurals are compared by the translation's own language, since each language has its
 * own CLDR plural categories: a plural is either a group `{ "one": …, "other": … }` (Shopify's
 * locale files) or sibling keys `name_one` / `name_other` (i18next).
 */

type Messages = { [key: string]: string | Messages };

const CATEGORIES = ["zero", "one", "two", "few", "many", "other"];
const isCategory = (key: string) => CATEGORIES.includes(key);

/** A string's placeholder names, `{n}` and `{{ count }}` alike, sorted. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{?\s*([\w-]+)\s*\}\}?/g)].map((m) => m[1]!))].sort();
}

/**
 * The plural categories a translation must have (those the language uses for the counts a shop
 * shows, 0 to 999: "one" and "other" in French, only "other" in Japanese), and those it may have
 * (the language's others, such as French "many" for millions).
 */
export function pluralCategories(language: string): { required: string[]; allowed: string[] } {
  const rules = new Intl.PluralRules(language);
  const required = new Set(Array.from({ length: 1000 }, (_, n) => rules.select(n)));
  return {
    required: CATEGORIES.filter((c) => required.has(c as Intl.LDMLPluralRule)),
    allowed: rules.resolvedOptions().pluralCategories as string[],
  };
}

/**
 * Every string by dotted key; a plural as one entry holding its forms by category (`name` for a
 * group, `name_<plural>` for i18next's suffixes: the two are not interchangeable).
 */
export function flatten(messages: Messages, prefix = ""): Map<string, string | Record<string, string>> {
  const entries = new Map<string, string | Record<string, string>>();
  const plurals = new Map<string, Record<string, string>>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix + key;
    if (typeof value === "object" && "other" in value && Object.keys(value).every(isCategory)) {
      entries.set(path, value as Record<string, string>);
      continue;
    }
    if (typeof value === "object") {
      for (const [inner, text] of flatten(value, path + ".")) entries.set(inner, text);
      continue;
    }
    const suffix = /^(.+)_(zero|one|two|few|many|other)$/.exec(key);
    if (suffix && `${suffix[1]}_other` in messages) {
      const group = plurals.get(`${prefix}${suffix[1]}_<plural>`) ?? {};
      group[suffix[2]!] = value;
      plurals.set(`${prefix}${suffix[1]}_<plural>`, group);
    } else entries.set(path, value);
  }
  for (const [path, forms] of plurals) entries.set(path, forms);
  return entries;
}

/**
 * Everything wrong with `translation` (in `language`) against `reference` (English), one line
 * each: keys missing or extra, a string where English has a plural or the reverse, plural
 * categories missing or foreign to the language, placeholders that differ.
 */
export function localeProblems(reference: Messages, translation: Messages, language: string): string[] {
  const expected = flatten(reference);
  const actual = flatten(translation);
  const problems: string[] = [];
  const { required, allowed } = pluralCategories(language);
  for (const [key, english] of expected) {
    const text = actual.get(key);
    if (text === undefined) {
      problems.push(`missing ${key}`);
      continue;
    }
    if (typeof english === "string" || typeof text === "string") {
      const englishPlaceholders = placeholders(typeof english === "string" ? english : english.other!);
      if (typeof english !== typeof text)
        problems.push(`${key}: ${typeof english === "string" ? "a string" : "a plural"} in English`);
      else if (placeholders(text as string).join() !== englishPlaceholders.join())
        problems.push(`${key}: placeholders ${placeholders(text as string)} instead of ${englishPlaceholders}`);
      continue;
    }
    for (const category of required)
      if (!(category in text)) problems.push(`missing ${key} (plural "${category}" in ${language})`);
    for (const [category, form] of Object.entries(text)) {
      // English's categories are tolerated (a Japanese "one" is never chosen, but does no harm).
      if (!allowed.includes(category) && !(category in english))
        problems.push(`extra ${key} (plural "${category}": not in ${language})`);
      // Each form against English's form of that category ("Last day": no count), else "other".
      const expectedPlaceholders = placeholders(english[category] ?? english.other!);
      if (placeholders(form).join() !== expectedPlaceholders.join())
        problems.push(`${key}.${category}: placeholders ${placeholders(form)} instead of ${expectedPlaceholders}`);
    }
  }
  for (const key of actual.keys()) if (!expected.has(key)) problems.push(`extra ${key}`);
  return problems;
}
