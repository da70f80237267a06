import { describe, expect, it } from "vitest";
import { PageQuery, page, pageArray } from "./paging";

describe("PageQuery", () => {
  it("defaults and coerces query strings", () => {
    expect(PageQuery.parse({})).toEqual({ limit: 50, offset: 0 });
    expect(PageQuery.parse({ limit: "10", offset: "20" })).toEqual({ limit: 10, offset: 20 });
  });
  it("rejects out-of-range, non-numeric and unknown params", () => {
    for (const bad of [{ limit: "0" }, { limit: "201" }, { limit: "abc" }, { limit: "1.5" }, { offset: "-1" }, { limit: ["1", "2"] }, { lmit: "3" }]) {
      expect(PageQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
  it("extends with filters", () => {
    const Q = PageQuery.extend({ q: PageQuery.shape.limit.optional() });
    expect(Q.parse({ q: "5" })).toEqual({ limit: 50, offset: 0, q: 5 });
  });
});

describe("page", () => {
  it("computes nextOffset", async () => {
    const all = Array.from({ length: 5 }, (_, i) => i);
    expect(pageArray(all, { limit: 2, offset: 0 })).toEqual({ items: [0, 1], total: 5, limit: 2, offset: 0, nextOffset: 2 });
    expect(pageArray(all, { limit: 2, offset: 4 }).nextOffset).toBeNull();
    expect(pageArray(all, { limit: 2, offset: 9 })).toMatchObject({ items: [], nextOffset: null });
    const p = await page({ limit: 3, offset: 1 }, async () => 5, async ({ skip, take }) => all.slice(skip, skip + take));
    expect(p).toEqual({ items: [1, 2, 3], total: 5, limit: 3, offset: 1, nextOffset: 4 });
  });
});
