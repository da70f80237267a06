import { describe, expect, it } from "vitest";
import { normalizeSearch, searchPageUrl } from "./search";

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
