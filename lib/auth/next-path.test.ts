import { describe, expect, it } from "vitest";
import { safeNextPath } from "./next-path";

describe("safeNextPath", () => {
  it("keeps same-site paths and drops everything else", () => {
    expect(safeNextPath("/projects/retail?tab=views")).toBe("/projects/retail?tab=views");
    for (const bad of [undefined, null, "", "https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"]) {
      expect(safeNextPath(bad)).toBe("/projects");
    }
  });
});
