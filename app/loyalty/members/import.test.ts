import { describe, expect, it } from "vitest";
import { detectFormat, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, parseMemberCsv, type ParsedImport } from "./import";

const NOW = new Date("2026-11-24T12:00:00Z");

function parsed(csv: string) {
  const result = parseMemberCsv(csv, NOW);
  if (!result.ok) throw new Error(`expected a parsed file, got: ${result.error}`);
  return result;
}

const refusal = (result: ParsedImport) => (result.ok ? null : result.error);

describe("recognising where a members file comes from", () => {
  it.each([
    ["a Smile.io export", "first_name,last_name,email,points_balance,vip_tier,date_of_birth", "smile"],
    ["a Smile.io export with spreadsheet headers", "Email, Points balance ,VIP tier,Birthday", "smile"],
    ["a LoyaltyLion export", "email,points_approved,points_pending,points_spent,tier,birthday", "loyaltylion"],
    ["a BON Loyalty export", "Email,Point balance,VIP tier,Birthday", "bon"],
    ["a BON Loyalty export with Points", "Email,Points,VIP tier,Birthday", "bon"],
    ["a plain file", "email,points", "plain"],
    ["a plain file with tier and birthday", "EMAIL,Points,Tier,Birthday", "plain"],
  ])("%s", (_name, header, format) => {
    expect(detectFormat(header.split(","))?.format).toBe(format);
  });

  it("reads LoyaltyLion's approved points, never its pending ones", () => {
    const file = parsed("email,points_pending,points_approved,tier\nann@example.com,500,120,Gold\n");
    expect(file.rows).toEqual([{ line: 2, email: "ann@example.com", points: 120, tier: "Gold", birthday: null }]);
  });

  it("refuses a file without an email and a points column, naming what it found", () => {
    const error = refusal(parseMemberCsv("name,balance\nAnn,10\n", NOW));
    expect(error).toMatch(/columns were not recognised/);
    expect(error).toMatch(/Found: name, balance/);
  });

  it("refuses an empty file", () => {
    expect(refusal(parseMemberCsv("", NOW))).toMatch(/empty/);
    expect(refusal(parseMemberCsv("\n\n", NOW))).toMatch(/empty/);
  });
});

describe("reading rows", () => {
  it("handles a byte order mark, CRLF line ends and quoted fields", () => {
    const file = parsed(
      '\uFEFFEmail,Points balance,VIP tier\r\n"ann@example.com","1,200","Gold, the best"\r\nbob@example.com,7,\r\n',
    );
    expect(file.format).toBe("smile");
    expect(file.rows).toEqual([
      { line: 2, email: "ann@example.com", points: 1200, tier: "Gold, the best", birthday: null },
      { line: 3, email: "bob@example.com", points: 7, tier: null, birthday: null },
    ]);
    expect(file.errors).toEqual([]);
    expect(file.totalRows).toBe(2);
  });

  it("reads a semicolon-separated file as Excel writes it in much of Europe", () => {
    expect(parsed("email;points\nann@example.com;1200\n").rows).toMatchObject([
      { email: "ann@example.com", points: 1200 },
    ]);
  });

  it("numbers lines as a spreadsheet does: header 1, blank rows counted, a quoted line break inside one row", () => {
    const file = parsed('email,points,tier\nann@example.com,1,"two\nlines"\n\nnot-an-email,2,\n');
    expect(file.rows.map((row) => row.line)).toEqual([2]);
    expect(file.errors).toEqual([{ line: 4, message: "email is not a valid address" }]);
    expect(file.totalRows).toBe(2);
  });

  it("lower-cases and trims emails", () => {
    expect(parsed("email,points\n  Ann@Example.COM ,5\n").rows[0]!.email).toBe("ann@example.com");
  });

  it.each([
    ["1200", 1200],
    ["1,200", 1200],
    ["1,200,000", 1_200_000],
    ["1200.0", 1200],
    ["0", 0],
  ])("accepts %s points", (value, points) => {
    expect(parsed(`email,points\nann@example.com,"${value}"\n`).rows[0]!.points).toBe(points);
  });

  it.each([
    ["12.5", /whole number \("12.5"\)/],
    ["1.200", /whole number \("1.200"\)/],
    ["-40", /cannot be negative \("-40"\)/],
    ["1,20", /whole number like 1200/],
    ["lots", /whole number like 1200/],
    ["", /points are missing/],
    ["20000000", /above 10,000,000/],
  ])("refuses %s points with a clear message", (value, message) => {
    const file = parsed(`email,points\nann@example.com,"${value}"\n`);
    expect(file.rows).toEqual([]);
    expect(file.errors).toHaveLength(1);
    expect(file.errors[0]!.message).toMatch(message);
  });

  it.each([
    ["1990-05-14", "1990-05-14"],
    ["05/14/1990", "1990-05-14"],
    ["5/4/1990", "1990-05-04"],
    ["2000-02-29", "2000-02-29"],
    ["", null],
  ])("reads the birthday %s", (value, birthday) => {
    expect(parsed(`email,points,birthday\nann@example.com,1,${value}\n`).rows[0]!.birthday).toBe(birthday);
  });

  it.each(["1990-02-30", "14/05/1990", "1990-13-01", "May 14", "2030-01-01", "1850-01-01"])(
    "refuses the birthday %s",
    (value) => {
      const file = parsed(`email,points,birthday\nann@example.com,1,${value}\n`);
      expect(file.errors[0]!.message).toMatch(/birthday must be a past date as YYYY-MM-DD or MM\/DD\/YYYY/);
    },
  );

  it("reports every problem of a row at once, and never repeats the email in a message", () => {
    const file = parsed("email,points,birthday\nann@,-3,1990-02-30\n");
    expect(file.errors).toEqual([
      {
        line: 2,
        message: expect.stringMatching(/^email is not a valid address; points cannot be negative.*; birthday must be/),
      },
    ]);
    expect(file.errors[0]!.message).not.toContain("ann@");
  });

  it("keeps the first row of an email and refuses the later ones", () => {
    const file = parsed("email,points\nann@example.com,10\nbob@example.com,5\nANN@example.com,99\n");
    expect(file.rows.map((row) => [row.line, row.points])).toEqual([
      [2, 10],
      [3, 5],
    ]);
    expect(file.errors).toEqual([{ line: 4, message: "duplicate of line 2" }]);
  });

  it("treats a later row of an email whose first row was refused as a duplicate too", () => {
    const file = parsed("email,points\nann@example.com,-10\nann@example.com,10\n");
    expect(file.rows).toEqual([]);
    expect(file.errors.map((error) => error.line)).toEqual([2, 3]);
    expect(file.errors[1]!.message).toBe("duplicate of line 2");
  });

  it("reads rows shorter than the header as blank cells", () => {
    const file = parsed("email,points,tier,birthday\nann@example.com,3\n");
    expect(file.rows).toEqual([{ line: 2, email: "ann@example.com", points: 3, tier: null, birthday: null }]);
  });

  it("refuses a file that is not CSV", () => {
    expect(refusal(parseMemberCsv('email,points\n"ann@example.com,3\n', NOW))).toMatch(
      /not valid CSV: Quote Not Closed/,
    );
  });
});

describe("limits", () => {
  it(`refuses more than ${MAX_IMPORT_ROWS.toLocaleString("en-US")} rows`, () => {
    const csv = `email,points\n${"a@b.co,1\n".repeat(MAX_IMPORT_ROWS + 1)}`;
    expect(refusal(parseMemberCsv(csv, NOW))).toMatch(/has 100,001 rows; import at most 100,000 at a time/);
  });

  it("accepts exactly the row limit", () => {
    const csv = `email,points\n${Array.from({ length: MAX_IMPORT_ROWS }, (_, i) => `m${i}@example.com,1`).join("\n")}`;
    const file = parsed(csv);
    expect(file.rows).toHaveLength(MAX_IMPORT_ROWS);
  });

  it("refuses a file over 20 MB before reading it", () => {
    const csv = `email,points,tier\n${"a@b.co,1,".padEnd(1000, "x")}\n`.repeat(Math.ceil(MAX_IMPORT_BYTES / 1000) + 1);
    expect(refusal(parseMemberCsv(csv, NOW))).toMatch(/larger than 20 MB/);
  });
});
