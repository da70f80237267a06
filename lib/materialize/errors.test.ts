// Job errors are read by everyone who may read jobs: causeText keeps what went wrong and drops the
// values DuckDB or Postgres quote (red-team review, docs/security.md).
import { describe, expect, it } from "vitest";
import { causeText, withoutValues } from "./errors";

describe("causeText", () => {
  it("drops the value a conversion error quotes, keeps the types and the column", () => {
    expect(causeText(new Error("Conversion Error: Could not convert string '987-65-4321' to INT64 when casting from source column ssn\n\nLINE 1: ..."))).toBe(
      "Conversion Error: Could not convert string '…' to INT64 when casting from source column ssn",
    );
    expect(causeText(new Error("Conversion Error: Type DOUBLE with value 1e+300 can't be cast because the value is out of range for the destination type INT64"))).toBe(
      "Conversion Error: Type DOUBLE with value … can't be cast because the value is out of range for the destination type INT64",
    );
    expect(causeText(new Error("Out of Range Error: Overflow in multiplication of INT32 (2147483647 * 2)!"))).toBe("Out of Range Error: Overflow in multiplication of INT32 (… * …)!");
  });

  it("withholds error()'s text, which a transform can fill with any value", () => {
    const t = causeText(new Error("Invalid Input Error: row 987-65-4321"));
    expect(t).toMatch(/^Invalid Input Error: /);
    expect(t).not.toContain("987");
  });

  it("drops the values of Postgres data exceptions only", () => {
    const pg = Object.assign(new Error('invalid input syntax for type integer: "alice@example.com"'), { code: "22P02" });
    expect(causeText(pg)).toBe('invalid input syntax for type integer: "…"');
    const missing = Object.assign(new Error('relation "users" does not exist'), { code: "42P01" });
    expect(causeText(missing)).toBe('relation "users" does not exist');
  });

  it("keeps errors about the SQL as they are", () => {
    expect(causeText(new Error('Binder Error: Referenced column "x" not found in FROM clause!'))).toBe('Binder Error: Referenced column "x" not found in FROM clause!');
  });

  it("names no path: the offline store, work folders and pushed rows stay where they are (issue 13)", () => {
    expect(causeText(new Error("EACCES: permission denied, mkdir '/work/main/.data/offline/retail/customer_spend'"))).toBe("EACCES: permission denied, mkdir '<path>'");
    expect(causeText(new Error('IO Error: No files found that match the pattern "/srv/larder/.data/offline/p/_push/x/*.parquet"'))).toBe('IO Error: No files found that match the pattern "<path>"');
    expect(causeText(new Error("Conversion Error: Could not read file:///tmp/larder-job-1/part.parquet"))).not.toMatch(/tmp|larder-job/);
  });

  it("withoutValues leaves type names alone", () => {
    expect(withoutValues("to INT64 or DECIMAL(18,3) at 12.5")).toBe("to INT64 or DECIMAL(…,…) at …");
  });
});
