import { describe, expect, it } from "vitest";
import { PROJECT_PERMISSIONS } from "../auth/permissions";
import { PERMISSION_LABEL, ROLE_ORDER, roleAdds, roleSummary } from "./roles";

describe("role explanations", () => {
  it("name every permission the server enforces, under the role that first has it", () => {
    expect(Object.keys(PERMISSION_LABEL).sort()).toEqual(Object.keys(PROJECT_PERMISSIONS).sort());
    const adds = roleAdds(PROJECT_PERMISSIONS);
    expect(Object.values(adds).flat().sort()).toEqual(Object.values(PERMISSION_LABEL).sort());
    expect(adds.consumer).toEqual(["read feature values (online and historical)"]);
    expect(adds.admin).toContain("manage members");
    expect(adds.viewer).not.toContain("manage members");
  });
  it("say what each role adds to the one below", () => {
    expect(roleSummary("viewer", PROJECT_PERMISSIONS)).toBe("browse the catalog and lineage, see jobs, subscribe to alerts");
    expect(roleSummary("operator", PROJECT_PERMISSIONS)).toMatch(/^everything a consumer may, and push feature values, run materializations/);
    expect(ROLE_ORDER.map((r) => roleSummary(r, PROJECT_PERMISSIONS)).every((s) => s.length > 0)).toBe(true);
  });
});
