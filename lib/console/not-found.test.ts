import { describe, expect, it } from "vitest";
import { describeMissing, missingVersion } from "./not-found";

describe("describeMissing", () => {
  it("names an unknown project and links all projects", () => {
    const m = describeMissing("/projects/nope");
    expect(m.title).toBe("Project “nope” does not exist");
    expect(m.missingProject).toBe(true);
    expect(m.links).toEqual([{ href: "/projects", label: "All projects" }]);
  });

  it("names an object of a project and links its list", () => {
    const m = describeMissing("/projects/retail/feature-views/no%20such");
    expect(m.title).toBe("Feature view “no such” does not exist in project retail");
    expect(m.links[0]).toEqual({ href: "/projects/retail/feature-views", label: "All feature views" });
    expect(describeMissing("/projects/retail/jobs/j1").title).toBe("Job “j1” does not exist in project retail");
    expect(describeMissing("/projects/retail/entities/e").links[0].href).toBe("/projects/retail/entities");
  });

  it("names a feature of a view", () => {
    const m = describeMissing("/projects/retail/feature-views/spend/features/x");
    expect(m.title).toBe("Feature “x” does not exist in feature view spend");
    expect(m.links[0]).toEqual({ href: "/projects/retail/feature-views/spend", label: "spend" });
  });

  it("says there is no such page otherwise, and survives broken escapes", () => {
    expect(describeMissing("/projects/retail/nope").title).toBe("There is no page at /projects/retail/nope");
    expect(describeMissing("/projects/retail/nope").links[0].href).toBe("/projects/retail");
    expect(describeMissing("/elsewhere").links).toEqual([{ href: "/projects", label: "All projects" }]);
    expect(describeMissing("/projects/%E0%A4%A/x/y/z").project).toBe("%E0%A4%A");
  });
});

describe("missingVersion", () => {
  it("names the version and the range that exists, and links the latest", () => {
    const m = missingVersion("retail", "spend", "99", [2, 1], 2);
    expect(m.title).toBe("Feature view spend has no version 99 (it has v1–v2)");
    expect(m.links[0]).toEqual({ href: "/projects/retail/feature-views/spend", label: "Latest version (v2)" });
    expect(missingVersion("retail", "spend", "x", [1], 1).title).toContain("(it has v1)");
  });
});
