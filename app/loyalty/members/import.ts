import { parse } from "csv-parse/sync";
import { z } from "zod";

/**
 * Reading a merchant's members file (an export from their previous loyalty app, or a plain
 * sheet): pure, no I/O. Lines are numbered as a spreadsheet shows them, the header being line 1,
 * so a merchant can find the row an error names.
 */

export const MAX_IMPORT_ROWS = 100_000;
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** No field of a members file comes near this; a longer cell means a wrong or hostile file. */
export const MAX_IMPORT_CELL_CHARS = 10_000;
/** Far above any real balance; a typo with extra digits should not become money. */
export const MAX_IMPORTED_POINTS = 10_000_000;

type Field = "email" | "points" | "tier" | "birthday";

/**
 * The column names each source uses (compared lower-cased, runs of spaces, dashes and
 * underscores as one "_"), the preferred one first. Supporting another app is one entry.
 * LoyaltyLion's `points_pending` is not spendable, so only `points_approved` is read.
 */
const FORMAT_COLUMNS = {
  plain: { email: ["email"], points: ["points"], tier: ["tier"], birthday: ["birthday"] },
  smile: { email: ["email"], points: ["points_balance"], tier: ["vip_tier"], birthday: ["date_of_birth", "birthday"] },
  loyaltylion: { email: ["email"], points: ["points_approved"], tier: ["tier"], birthday: ["birthday"] },
  bon: { email: ["email"], points: ["point_balance", "points"], tier: ["vip_tier"], birthday: ["birthday"] },
} satisfies Record<string, Record<Field, string[]>>;

export type ImportFormat = keyof typeof FORMAT_COLUMNS;

export const IMPORT_FORMAT_LABELS: Record<ImportFormat, string> = {
  plain: "CSV file",
  smile: "Smile.io",
  loyaltylion: "LoyaltyLion",
  bon: "BON Loyalty",
};

export interface ImportRow {
  line: number;
  /** Lower-cased. */
  email: string;
  points: number;
  tier: string | null;
  /** YYYY-MM-DD. */
  birthday: string | null;
}

/** A row refused (or, with `skipped`, left alone on purpose). Never carries the row's email. */
export interface ImportRowIssue {
  line: number;
  message: string;
  skipped?: true;
}

export type ParsedImport =
  | { ok: true; format: ImportFormat; rows: ImportRow[]; errors: ImportRowIssue[]; totalRows: number }
  | { ok: false; error: string };

const normaliseHeader = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, "_")
    .replace(/^_|_$/g, "");

type ColumnIndexes = Record<Field, number | undefined>;

/** The format that explains the most columns; plain wins a tie, as it claims nothing about the source. */
export function detectFormat(header: string[]): { format: ImportFormat; columns: ColumnIndexes } | null {
  const names = header.map(normaliseHeader);
  let best: { format: ImportFormat; columns: ColumnIndexes; matched: number } | null = null;
  for (const [format, aliases] of Object.entries(FORMAT_COLUMNS) as [ImportFormat, Record<Field, string[]>][]) {
    const indexOf = (field: Field) => aliases[field].map((alias) => names.indexOf(alias)).find((index) => index >= 0);
    const columns: ColumnIndexes = {
      email: indexOf("email"),
      points: indexOf("points"),
      tier: indexOf("tier"),
      birthday: indexOf("birthday"),
    };
    if (columns.email === undefined || columns.points === undefined) continue;
    const matched = Object.values(columns).filter((index) => index !== undefined).length;
    if (!best || matched > best.matched) best = { format, columns, matched };
  }
  return best && { format: best.format, columns: best.columns };
}

const quoted = (value: string) => `"${value.length > 20 ? `${value.slice(0, 20)}…` : value}"`;

const WHOLE_NUMBER = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;

const pointsField = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const fail = (message: string) => {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    };
    if (value === "") return fail("points are missing");
    if (/^-\s*[\d.,]+$/.test(value)) return fail(`points cannot be negative (${quoted(value)})`);
    const match = WHOLE_NUMBER.exec(value);
    if (!match) return fail(`points must be a whole number like 1200 or 1,200 (${quoted(value)})`);
    // "1200.00" is how some tools write a whole number; "12.5" is not one.
    if (match[2] && !/^0+$/.test(match[2])) return fail(`points must be a whole number (${quoted(value)})`);
    const points = Number(match[1]!.replaceAll(",", ""));
    if (points > MAX_IMPORTED_POINTS)
      return fail(`points above ${MAX_IMPORTED_POINTS.toLocaleString("en-US")} (${quoted(value)})`);
    return points;
  });

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** YYYY-MM-DD of a real date in the past, from YYYY-MM-DD or MM/DD/YYYY; null when blank. */
const birthdayField = (today: Date) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      if (value === "") return null;
      const iso = ISO_DATE.exec(value);
      const us = US_DATE.exec(value);
      const [year, month, day] = iso
        ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
        : us
          ? [Number(us[3]), Number(us[1]), Number(us[2])]
          : [NaN, NaN, NaN];
      const date = new Date(Date.UTC(year, month - 1, day));
      // Date.UTC rolls 31 February into March: a real date reads back the same.
      const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
      if (!real || year < 1900 || date > today) {
        ctx.addIssue({
          code: "custom",
          message: `birthday must be a past date as YYYY-MM-DD or MM/DD/YYYY (${quoted(value)})`,
        });
        return z.NEVER;
      }
      return date.toISOString().slice(0, 10);
    });

const rowSchema = (today: Date) =>
  z.object({
    // The message never repeats the address: row errors outlive the rows, which are erased.
    email: z
      .string()
      .trim()
      .toLowerCase()
      .min(1, "email is missing")
      .max(254, "email is longer than an address can be")
      .pipe(z.email("email is not a valid address")),
    points: pointsField,
    tier: z
      .string()
      .trim()
      .max(100, "tier name is longer than 100 characters")
      .transform((value) => value || null),
    birthday: birthdayField(today),
  });

/** The delimiter the header row uses most: Excel writes ";" where "," is the decimal comma. */
function detectDelimiter(csv: string): string {
  const firstLine = csv.slice(0, csv.search(/\r?\n|$/));
  const count = (delimiter: string) => firstLine.split(delimiter).length;
  return [",", ";", "\t"].reduce((best, candidate) => (count(candidate) > count(best) ? candidate : best));
}

const isBlank = (record: string[]) => record.every((cell) => cell.trim() === "");

/** Where the first cell longer than MAX_IMPORT_CELL_CHARS is, as a spreadsheet names it (line 1 is the header, column A the first). */
function firstOversizedCell(records: string[][]): { line: number; column: string } | null {
  for (const [index, record] of records.entries()) {
    const column = record.findIndex((cell) => cell.length > MAX_IMPORT_CELL_CHARS);
    if (column >= 0) return { line: index + 1, column: spreadsheetColumn(column) };
  }
  return null;
}

/** 0 → A, 25 → Z, 26 → AA. */
function spreadsheetColumn(index: number): string {
  const letter = String.fromCharCode(65 + (index % 26));
  return index < 26 ? letter : spreadsheetColumn(Math.floor(index / 26) - 1) + letter;
}

/** Reads a members file: the valid rows, and each refused row with its line and why. */
export function parseMemberCsv(csv: string, now: Date): ParsedImport {
  if (Buffer.byteLength(csv, "utf8") > MAX_IMPORT_BYTES) {
    return {
      ok: false,
      error: `The file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB: split it and import the parts one after the other.`,
    };
  }
  let records: string[][];
  try {
    // Blank lines are kept as records so that record n is spreadsheet line n + 1.
    records = parse(csv, {
      bom: true,
      delimiter: detectDelimiter(csv.replace(/^\uFEFF/, "")),
      relax_column_count: true,
      skip_empty_lines: false,
    });
  } catch (error) {
    return { ok: false, error: `The file is not valid CSV: ${(error as Error).message}` };
  }
  const oversized = firstOversizedCell(records);
  if (oversized) {
    return {
      ok: false,
      error: `Line ${oversized.line}, column ${oversized.column}: the cell is longer than ${MAX_IMPORT_CELL_CHARS.toLocaleString("en-US")} characters. Is this the members file?`,
    };
  }
  const [header, ...data] = records;
  if (!header || isBlank(header))
    return { ok: false, error: "The file is empty: its first line must name the columns." };
  const detected = detectFormat(header);
  if (!detected) {
    return {
      ok: false,
      error:
        "The columns were not recognised: the first line needs an email column and a points column " +
        "(a Smile.io, LoyaltyLion or BON Loyalty export, or email,points with optional tier and birthday columns). " +
        `Found: ${header.slice(0, 10).join(", ")}.`,
    };
  }
  const totalRows = data.filter((record) => !isBlank(record)).length;
  if (totalRows > MAX_IMPORT_ROWS) {
    return {
      ok: false,
      error: `The file has ${totalRows.toLocaleString("en-US")} rows; import at most ${MAX_IMPORT_ROWS.toLocaleString("en-US")} at a time.`,
    };
  }

  const { columns } = detected;
  const schema = rowSchema(now);
  const cell = (record: string[], index: number | undefined) => (index === undefined ? "" : (record[index] ?? ""));
  const rows: ImportRow[] = [];
  const errors: ImportRowIssue[] = [];
  const firstLineOf = new Map<string, number>();
  data.forEach((record, index) => {
    if (isBlank(record)) return;
    const line = index + 2;
    const parsed = schema.safeParse({
      email: cell(record, columns.email),
      points: cell(record, columns.points),
      tier: cell(record, columns.tier),
      birthday: cell(record, columns.birthday),
    });
    const messages = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
    const email = parsed.success ? parsed.data.email : cell(record, columns.email).trim().toLowerCase();
    // The first row of an address wins, valid or not: which of two balances is right is the merchant's call.
    const first = email ? firstLineOf.get(email) : undefined;
    if (first !== undefined) messages.push(`duplicate of line ${first}`);
    else if (email) firstLineOf.set(email, line);
    if (parsed.success && !messages.length) rows.push({ line, ...parsed.data });
    else errors.push({ line, message: messages.join("; ") });
  });
  return { ok: true, format: detected.format, rows, errors, totalRows };
}
