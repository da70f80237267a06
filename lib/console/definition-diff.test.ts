import { describe, expect, it } from "vitest";
import { canonicalYaml, definitionDiff, withContext } from "./definition-diff";

describe("definitionDiff", () => {
  it("ignores key order and shows changed lines with line numbers", () => {
    const a = { view: { name: "v", ttl: "30d", transform: "SELECT 1" }, features: [{ name: "x", dtype: "int64" }] };
    const b = { features: [{ dtype: "int64", name: "x" }], view: { transform: "SELECT 2", ttl: "30d", name: "v" } };
    expect(canonicalYaml(a)).toBe(canonicalYaml({ ...a }));
    const d = definitionDiff(a, b);
    expect(d.added).toBe(1);
    expect(d.removed).toBe(1);
    expect(d.lines.find((l) => l.kind === "remove")?.text).toContain("SELECT 1");
    expect(d.lines.find((l) => l.kind === "add")?.text).toContain("SELECT 2");
  });
  it("identical definitions have no changes", () => {
    const d = definitionDiff({ a: 1 }, { a: 1 });
    expect(d.added + d.removed).toBe(0);
  });
  it("collapses unchanged runs", () => {
    const a = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${String(i).padStart(2, "0")}`, i]));
    const b = { ...a, k10: 99 };
    const out = withContext(definitionDiff(a, b).lines, 2);
    expect(out.filter((l) => l.kind === "skip")).toHaveLength(2);
    expect(out.filter((l) => l.kind !== "skip")).toHaveLength(6);
  });
});
