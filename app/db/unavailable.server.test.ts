import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./unavailable.server";

// Shapes observed from Prisma 6.19 + @prisma/adapter-pg + pg 8 against a real PostgreSQL.
const wrapped = (code: string, cause: object) =>
  Object.assign(new Error("Invalid invocation"), {
    code,
    meta: { driverAdapterError: { name: "DriverAdapterError", cause } },
  });

describe("isDatabaseUnavailable", () => {
  it("recognises a terminated connection, an unreachable server and an exhausted pool", () => {
    expect(
      isDatabaseUnavailable(
        wrapped("P2010", {
          kind: "postgres",
          code: "57P01",
          message: "terminating connection due to administrator command",
        }),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(wrapped("P1001", { kind: "DatabaseNotReachable", host: "127.0.0.1", port: 1 }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(wrapped("P2010", { kind: "DatabaseNotReachable" }))).toBe(true);
    expect(
      isDatabaseUnavailable(Object.assign(new Error("Timed out fetching a new connection"), { code: "P2024" })),
    ).toBe(true);
    expect(isDatabaseUnavailable(new Error("Client has encountered a connection error and is not queryable"))).toBe(
      true,
    );
    expect(
      isDatabaseUnavailable(
        new Error("outer", { cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }) }),
      ),
    ).toBe(true);
  });

  it("leaves the request's own errors alone", () => {
    expect(isDatabaseUnavailable(wrapped("P2010", { kind: "postgres", code: "23505", message: "duplicate key" }))).toBe(
      false,
    );
    expect(isDatabaseUnavailable(Object.assign(new Error("Unique constraint failed"), { code: "P2002" }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("cannot read properties of undefined"))).toBe(false);
    expect(isDatabaseUnavailable("a string")).toBe(false);
  });
});
