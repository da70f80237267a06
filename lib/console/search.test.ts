import { describe, expect, it } from "vitest";
import { highlightParts, normalizeSearch, searchPageUrl } from "./search";

describe("normalizeSearch", () => {
  it("fills defaults, builds console links and reads facets in either shape", () => {
    const r = normalizeSearch({
      results: [{ kind: "feature", project: "retail", name: "amount_sum_7d", view: "customer_spend", dtype: "float64", score: 0.9 }],
      facets: { kind: [{ value: "feature", count: 1 }], dtype: { float64: 1 } },
    });
    expect(r.total).toBe(1);
    expect(r.items[0]).toMatchObject({
      qualifiedName: "amount_sum_7d",
      href: "/projects/retail/feature-views/customer_spend/features/amount_sum_7d",
      entities: [],
      score: 0.9,
    });
    expect(r.facets.kind).toEqual([{ value: "feature", count: 1 }]);
    expect(r.facets.dtype).toEqual([{ value: "float64", count: 1 }]);
  });
  it("keeps the API's href", () => {
    expect(normalizeSearch({ items: [{ kind: "model", project: "p", name: "m", href: "/x" }] }).items[0].href).toBe("/x");
    expect(normalizeSearch({ items: [{ kind: "feature", project: "p", name: "f", viewName: "v", href: "/x" }] }).items[0].href).toBe("/projects/p/feature-views/v/features/f");
  });
});

describe("searchPageUrl", () => {
  it("puts the query and filters in the URL", () => {
    expect(searchPageUrl("spend", { kind: "feature", owner: undefined })).toBe("/search?q=spend&kind=feature");
    expect(searchPageUrl("")).toBe("/search");
  });
});

describe("highlightParts", () => {
  const marked = (text: string, q: string) => highlightParts(text, q).map((p) => (p.match ? `[${p.text}]` : p.text)).join("");
  it("marks every word of the query, case-insensitively, merging neighbours", () => {
    expect(marked("customer_spend:amount_sum_7d", "Amount 7D")).toBe("customer_spend:[amount]_sum_[7d]");
    expect(marked("spend spending", "spend")).toBe("[spend] [spend]ing");
    expect(marked("abcab xbc", "ab bc")).toBe("[abcab] x[bc]");
  });
  it("keeps the text exactly, even when lower-casing would change its length", () => {
    const parts = highlightParts("İstanbul sales", "sales");
    expect(parts.map((p) => p.text).join("")).toBe("İstanbul sales");
    expect(parts.find((p) => p.match)?.text).toBe("sales");
  });
  it("marks nothing for an empty query or a typo, and regex characters are plain text", () => {
    expect(marked("amount_sum_7d", "")).toBe("amount_sum_7d");
    expect(marked("amount_sum_7d", "amnt")).toBe("amount_sum_7d");
    expect(marked("a.b(c)", ".(")).toBe("a.b(c)");
    expect(highlightParts("", "x")).toEqual([]);
  });
});
