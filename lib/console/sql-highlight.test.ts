import { describe, expect, it } from "vitest";
import { formatSql, tokenizeSql } from "./sql-highlight";

describe("tokenizeSql", () => {
  it("is lossless and classifies keywords, functions, strings, numbers, comments", () => {
    const sql = "SELECT customer_id, sum(amount) AS s, 'it''s' -- note\nFROM source WHERE amount > 500.5";
    const tokens = tokenizeSql(sql);
    expect(tokens.map((t) => t.text).join("")).toBe(sql);
    const of = (text: string) => tokens.find((t) => t.text === text)?.type;
    expect(of("SELECT")).toBe("keyword");
    expect(of("sum")).toBe("function");
    expect(of("'it''s'")).toBe("string");
    expect(of("500.5")).toBe("number");
    expect(of("-- note")).toBe("comment");
    expect(of("customer_id")).toBe("identifier");
  });
  it("never loops on odd input", () => {
    const odd = "select 'unterminated \u00e9 @ #";
    expect(tokenizeSql(odd).map((t) => t.text).join("")).toBe(odd);
  });
});

describe("formatSql", () => {
  it("formats DuckDB SQL and falls back to the input", () => {
    expect(formatSql("select a,b from source where a>1")).toContain("SELECT\n");
    expect(formatSql("select ((")).toBeTypeOf("string");
  });
});
